import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256 } from '../../src/digest.ts';
import {
  MEDIA,
  attackerConfig,
  configDescriptor,
  craftedManifest,
  parseSchema2Manifest,
  victimFile,
  victimImageSpec,
  victimText,
  type Descriptor,
} from '../../src/e2e/registry-craft.ts';
import { manifestRequests } from '../../src/e2e/registry-api.ts';

const Craft = suite('e2e/registry-craft');
const hex = (c: string) => c.repeat(64);
const blob = (c: string, size: number): Descriptor => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size, digest: `sha256:${hex(c)}` });
const STORE_DIFF_IDS = [hex('1'), hex('2'), hex('3')];

Craft('the victim image has the asked layer count, busybox in the first, and expects its own top file', () => {
  const spec = victimImageSpec({ repo: '127.0.0.1:5000/victim', tag: 'v1', busybox: '/bin/busybox', layerCount: 3 });
  assert.is(spec.layers.length, 3);
  assert.ok(spec.layers[0]!.some((e) => e.kind === 'copy' && e.from === '/bin/busybox'));
  spec.layers.forEach((layer, k) => assert.ok(layer.some((e) => e.kind === 'file' && e.path === victimFile(k + 1) && e.text === victimText(k + 1)), `layer ${k + 1}`));
  assert.equal(spec.expectations, [{ kind: 'sha256', path: `/${victimFile(3)}`, sha256: sha256(victimText(3)), what: 'victim top layer file' }]);
});

Craft('a victim image of no layers is refused', () => {
  assert.throws(() => victimImageSpec({ repo: 'r', tag: 't', busybox: '/bin/busybox', layerCount: 0 }), (e: unknown) => e instanceof RangeError);
});

Craft('the crafted manifest lists the victim blobs in order, as gzip layers, with the config descriptor', () => {
  const config = attackerConfig(STORE_DIFF_IDS, 'amd64');
  const desc = configDescriptor(config);
  const layers = [blob('a', 10), blob('b', 20), blob('c', 30)];
  const manifest = parseSchema2Manifest(craftedManifest(desc, layers, STORE_DIFF_IDS.length));
  assert.equal(manifest.config, { mediaType: MEDIA.config, size: Buffer.byteLength(config), digest: `sha256:${sha256(config)}` });
  assert.equal(manifest.layers.map((l) => [l.digest, l.size, l.mediaType]), layers.map((l) => [l.digest, l.size, MEDIA.layer]));
});

Craft('the manifest must pair victim blobs and store diffIDs one to one', () => {
  const desc = configDescriptor(attackerConfig(STORE_DIFF_IDS, 'amd64'));
  assert.throws(() => craftedManifest(desc, [blob('a', 1), blob('b', 1)], 3), (e: unknown) => e instanceof RangeError);
});

Craft('the attacker config names the store diffIDs and is not the store image config', () => {
  const config = JSON.parse(attackerConfig(STORE_DIFF_IDS, 'arm64')) as { architecture: string; rootfs: { diff_ids: string[] }; config: { Cmd: string[] } };
  assert.equal(config.rootfs.diff_ids, STORE_DIFF_IDS.map((d) => `sha256:${d}`));
  assert.is(config.architecture, 'arm64');
  assert.not.equal(config.config.Cmd, ['/bin/sh']);
});

Craft('parsing a pushed manifest refuses other schemas and descriptors without a sha256 digest', () => {
  const good = { schemaVersion: 2, mediaType: MEDIA.manifest, config: blob('c', 5), layers: [blob('a', 1)] };
  assert.is(parseSchema2Manifest(JSON.stringify(good)).layers[0]!.digest, `sha256:${hex('a')}`);
  assert.throws(() => parseSchema2Manifest(JSON.stringify({ ...good, mediaType: 'application/vnd.oci.image.index.v1+json' })));
  assert.throws(() => parseSchema2Manifest(JSON.stringify({ ...good, schemaVersion: 1 })));
  assert.throws(() => parseSchema2Manifest(JSON.stringify({ ...good, layers: [{ ...blob('a', 1), digest: 'sha256:../x' }] })));
  assert.throws(() => parseSchema2Manifest(JSON.stringify({ ...good, config: { ...blob('c', 5), size: -0.5 } })));
});

Craft("manifest requests are read from docker-registry's access log, for one repository only", () => {
  const agent = '"" "docker/29.7.2-extra.1 go/go1.26.8"';
  const log = [
    `127.0.0.1 - - [06/Dec/2026:11:11:51 +0000] "GET /v2/attacker/manifests/v1 HTTP/1.1" 200 747 ${agent}`,
    `127.0.0.1 - - [06/Dec/2026:11:11:51 +0000] "HEAD /v2/attacker/manifests/sha256:b229 HTTP/1.1" 200 0 ${agent}`,
    `127.0.0.1 - - [06/Dec/2026:11:11:51 +0000] "GET /v2/attacker/blobs/sha256:c0ff HTTP/1.1" 200 9 ${agent}`,
    `127.0.0.1 - - [06/Dec/2026:11:11:52 +0000] "GET /v2/victim/manifests/v1 HTTP/1.1" 200 747 ${agent}`,
    `127.0.0.1 - - [06/Dec/2026:11:11:52 +0000] "GET /v2/x/attacker/manifests/v1 HTTP/1.1" 200 747 ${agent}`,
    'time="2026-12-06T11:11:52Z" level=info msg="response completed"',
  ].join('\n');
  assert.equal(manifestRequests(log, 'attacker'), ['GET v1', 'HEAD sha256:b229']);
  assert.equal(manifestRequests(log, 'victim'), ['GET v1']);
  assert.equal(manifestRequests('', 'attacker'), []);
});

Craft.run();
