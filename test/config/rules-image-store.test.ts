import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { validateDaemonConfig, isInvalid } from '../../src/config/validate.ts';
import { storeChoice } from '../../src/config/rules-image-store.ts';
import type { EngineLine } from '../../src/config/engine-line.ts';
import { SCHEMAS } from './fixtures.ts';

const S = suite('config/rules-image-store: extra-storage on the graphdriver or the containerd image store');

const STORE = { 'extra-storage': { path: '/var/lib/docker/extra' } };
const ON = { features: { 'containerd-snapshotter': true } };
const OFF = { features: { 'containerd-snapshotter': false } };

/** [pointer, rule, severity] of every finding of a daemon.json, written as an object, on one line. */
function findings(config: object, line: EngineLine = 'v29'): Array<[string, string | undefined, string]> {
  return validateDaemonConfig(JSON.stringify(config), { schema: SCHEMAS[line] }).map((f) => [f.pointer, f.rule, f.severity]);
}

function messageOf(config: object, line: EngineLine = 'v29'): string {
  return validateDaemonConfig(JSON.stringify(config), { schema: SCHEMAS[line] })[0]?.message ?? '';
}

S('v29, containerd store pinned on, "storage-driver": "extra": accepted (extra-snapshotter serves the store)', () => {
  assert.equal(findings({ ...ON, 'storage-driver': 'extra', ...STORE }), []);
});

S('v29, containerd store pinned on, no storage-driver: an error giving the fix, at the feature', () => {
  const config = { ...ON, ...STORE };
  assert.equal(findings(config), [['/features/containerd-snapshotter', 'extra-storage-snapshotter', 'error']]);
  const message = messageOf(config);
  for (const part of ['extra-snapshotter', '[proxy_plugins.extra] type = "snapshot"', '"storage-driver": "extra"', '"containerd-snapshotter": false']) {
    assert.ok(message.includes(part), `the fix names ${part}: ${message}`);
  }
  assert.equal(findings({ ...ON, 'storage-driver': '', ...STORE }), [['/features/containerd-snapshotter', 'extra-storage-snapshotter', 'error']], 'an empty name is no name');
});

S('v29, containerd store pinned on, a built-in snapshotter or a graph driver name: an error at storage-driver', () => {
  for (const driver of ['overlayfs', 'native', 'btrfs', 'zfs', 'devmapper', 'blockfile', 'erofs', 'overlay2', 'vfs', 'fuse-overlayfs']) {
    assert.equal(findings({ ...ON, 'storage-driver': driver, ...STORE }), [['/storage-driver', 'extra-storage-snapshotter', 'error']], driver);
  }
  assert.match(messageOf({ ...ON, 'storage-driver': 'overlayfs', ...STORE }), /containerd's own overlayfs snapshotter.*"storage-driver": "extra"/);
  assert.match(messageOf({ ...ON, 'storage-driver': 'overlay2', ...STORE }), /"overlay2" is a graph driver, which the containerd image store does not use/);
});

S('v29, containerd store pinned on, a snapshotter name we do not know: accepted (it may be the proxy plugin under another name)', () => {
  assert.equal(findings({ ...ON, 'storage-driver': 'layers', ...STORE }), []);
});

S('the containerd store without extra-storage is none of these rules\' business', () => {
  assert.equal(findings({ ...ON }), []);
  assert.equal(findings({ ...ON, 'storage-driver': 'overlayfs' }), []);
  assert.equal(findings({ 'storage-driver': 'extra' }), []);
});

S('v29, the store left to the data-root, no storage-driver: a warning saying what decides it and how to pin it', () => {
  for (const config of [{ ...STORE }, { features: { 'time-namespaces': false }, ...STORE }]) {
    const f = validateDaemonConfig(JSON.stringify(config), { schema: SCHEMAS.v29 });
    assert.equal(f.map((x) => [x.pointer, x.rule, x.severity]), [['/extra-storage', 'extra-storage-image-store', 'warning']]);
    assert.not.ok(isInvalid(f));
    assert.match(f[0]?.message ?? '', /existing graphdriver data-root stays on the graphdriver store; a fresh one becomes a containerd image store/);
    assert.match(f[0]?.message ?? '', /Pin it: "features": \{"containerd-snapshotter": false\} for the graphdriver store, or true to run extra-snapshotter/);
  }
});

S('v29, the store left to the data-root, "storage-driver": "extra": a warning that a graphdriver data-root then fails to start', () => {
  const config = { 'storage-driver': 'extra', ...STORE };
  assert.equal(findings(config), [['/storage-driver', 'extra-storage-image-store', 'warning']]);
  assert.match(messageOf(config), /an existing graphdriver data-root stays on the graphdriver store, where dockerd fails to start \("extra" is no graph driver\).*"containerd-snapshotter": true/);
  assert.equal(findings({ 'storage-driver': 'stargz', ...STORE }), [['/storage-driver', 'extra-storage-image-store', 'warning']], 'any name that is no graph driver');
});

S('v29, the store left to the data-root, a containerd-only snapshotter: an error (no graph driver, and no use on the containerd store)', () => {
  for (const driver of ['overlayfs', 'native', 'erofs']) {
    assert.equal(findings({ 'storage-driver': driver, ...STORE }), [['/storage-driver', 'extra-storage-snapshotter', 'error']], driver);
  }
});

S('v29, a graph driver named, userns-remap, or the feature pinned off: the graphdriver store, no finding', () => {
  assert.equal(findings({ 'storage-driver': 'overlay2', ...STORE }), []);
  assert.equal(findings({ 'storage-driver': 'btrfs', ...STORE }), [], 'btrfs is a graph driver too, which v29 picks first');
  assert.equal(findings({ 'userns-remap': 'default', ...STORE }), []);
  assert.equal(findings({ ...OFF, ...STORE }), []);
  assert.equal(findings({ ...OFF, 'storage-driver': 'overlay2', ...STORE }), []);
});

S('the graphdriver store with "storage-driver": "extra": an error, since "extra" is no graph driver', () => {
  assert.equal(findings({ ...OFF, 'storage-driver': 'extra', ...STORE }), [['/storage-driver', 'extra-storage-snapshotter', 'error']]);
  assert.equal(findings({ 'userns-remap': 'default', 'storage-driver': 'extra', ...STORE }), [['/storage-driver', 'extra-storage-snapshotter', 'error']]);
  assert.match(messageOf({ ...OFF, 'storage-driver': 'extra', ...STORE }), /\("containerd-snapshotter": false\).*set "containerd-snapshotter": true/);
  assert.equal(findings({ 'storage-driver': 'extra', ...STORE }, 'v28'), [['/storage-driver', 'extra-storage-snapshotter', 'error']]);
  assert.match(messageOf({ 'storage-driver': 'extra', ...STORE }, 'v28'), /v28 has no extra-snapshotter/);
});

S('v28: the containerd store and extra-storage exclude each other, whatever storage-driver says; unpinned is the graphdriver store', () => {
  for (const driver of [undefined, 'extra', 'overlayfs']) {
    const config = { ...ON, ...(driver ? { 'storage-driver': driver } : {}), ...STORE };
    assert.equal(findings(config, 'v28'), [['/features/containerd-snapshotter', 'extra-storage-snapshotter', 'error']], String(driver));
  }
  assert.equal(findings({ ...STORE }, 'v28'), [], 'v28 uses the graphdriver store unless told otherwise');
});

S('v29: containerd-migration with extra-storage is an error, as the engine refuses it; v28 has no such feature', () => {
  const config = { features: { 'containerd-snapshotter': false, 'containerd-migration': true }, ...STORE };
  assert.equal(findings(config), [['/features/containerd-migration', 'extra-storage-migration', 'error']]);
  assert.match(messageOf(config), /remove "containerd-migration" from "features".*or remove extra-storage/);
  assert.equal(findings({ features: { 'containerd-snapshotter': false, 'containerd-migration': false }, ...STORE }), []);
  assert.equal(findings({ features: { 'containerd-migration': true } }), [], 'without extra-storage');
  assert.equal(findings(config, 'v28'), []);
});

S('storeChoice reads the file as image_store_choice.go does', () => {
  const choice = (config: object, line: EngineLine = 'v29') => storeChoice({ config: JSON.parse(JSON.stringify(config)), line }).store;
  assert.is(choice({}), 'data-root decides');
  assert.is(choice({}, 'v28'), 'graphdriver');
  assert.is(choice(ON, 'v28'), 'containerd');
  assert.is(choice({ ...ON, 'userns-remap': 'default' }), 'containerd', 'the engine refuses that pair itself');
  assert.is(choice({ 'userns-remap': '' }), 'data-root decides', 'an empty userns-remap is unset');
  assert.is(choice({ 'storage-driver': 'zfs' }), 'graphdriver');
  assert.is(choice({ features: 'yes' }), 'data-root decides', 'a features value of the wrong type is the schema\'s to report');
});

S.run();
