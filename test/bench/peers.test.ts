import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mountsUnder, parseHardLimits, parseVersion, storeSizeMiB } from '../../src/bench/peers/host.ts';
import { podmanContainersConf, podmanRunArgs, podmanStorageConf, podmanUlimitArgs } from '../../src/bench/peers/podman-config.ts';
import { containerdConfig, MAX_SOCKET_PATH } from '../../src/bench/peers/containerd.ts';
import { ESGZ_REPOSITORY_PREFIX, esgzRef, notLazyReason, rpullArgs, runArgs, SNAPSHOTTER } from '../../src/bench/peers/stargz-commands.ts';
import { buildFolder, requiredVersion, STARGZ_GRPC_SOURCE, STARGZ_SNAPSHOTTER_VERSION } from '../../src/bench/peers/stargz-build.ts';
import { PEERS } from '../../src/bench/peers/index.ts';
import type { MountInfo } from '../../src/e2e/mounts.ts';

/** A /proc/PID/limits text with the given soft and hard values for open files and processes. */
function limitsText(nofile: [string, string], nproc: [string, string]): string {
  const row = (name: string, soft: string, hard: string, units: string) => `${name.padEnd(26)}${soft.padEnd(21)}${hard.padEnd(21)}${units}`;
  return [
    row('Limit', 'Soft Limit', 'Hard Limit', 'Units'),
    row('Max cpu time', 'unlimited', 'unlimited', 'seconds'),
    row('Max processes', ...nproc, 'processes'),
    row('Max open files', ...nofile, 'files'),
    row('Max pending signals', '777', '778', 'signals'),
  ].join('\n');
}

/** The value of `key = …` in a TOML text, read back as the JSON string it was written as. */
function tomlValue(text: string, key: string): unknown {
  const line = text.split('\n').find((l) => l.trim().startsWith(`${key} =`));
  return line === undefined ? undefined : JSON.parse(line.slice(line.indexOf('=') + 1).trim());
}

const Host = suite('bench/peers/host');

Host('parseHardLimits reads the hard column of open files and processes, not the soft one', () => {
  assert.equal(parseHardLimits(limitsText(['1024', '20000'], ['4000', '96367'])), { nofile: 20000, nproc: 96367 });
  assert.equal(parseHardLimits(limitsText(['5', '6'], ['7', '8'])), { nofile: 6, nproc: 8 });
});

Host('parseHardLimits reads "unlimited" as Infinity and refuses a text without the lines', () => {
  assert.equal(parseHardLimits(limitsText(['1024', 'unlimited'], ['unlimited', 'unlimited'])), { nofile: Infinity, nproc: Infinity });
  assert.throws(() => parseHardLimits('Limit Soft Limit Hard Limit Units\n'), /Max open files/);
});

Host('parseVersion finds the version word of each program this column records', () => {
  assert.is(parseVersion('podman version 4.3.1\n'), '4.3.1');
  assert.is(parseVersion('runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev'), '1.1.5+ds1');
  assert.is(parseVersion('containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3'), '1.6.20~ds1');
  assert.is(parseVersion('\nconmon version 2.1.6\ncommit: unknown'), '2.1.6');
  assert.is(parseVersion('no version here'), undefined);
});

Host('mountsUnder lists the mounts inside a folder deepest first, the newest of stacked ones first, and nothing beside it', () => {
  const at = (mountPoint: string, source: string): MountInfo => ({ mountPoint, fsType: 'ext4', source, options: [] });
  const mounts = [at('/w/peer/store', 'a'), at('/w/peer-other/x', 'b'), at('/w/peer/use/root/overlay', 'c'), at('/w/peer/store', 'd'), at('/w', 'e')];
  assert.equal(mountsUnder(mounts, '/w/peer/'), ['/w/peer/use/root/overlay', '/w/peer/store', '/w/peer/store']);
  assert.equal(mountsUnder(mounts, '/elsewhere'), []);
});

Host('storeSizeMiB gives room for the layers twice over, never less than the minimum', () => {
  assert.is(storeSizeMiB([1024 * 2 ** 20]), 2048 + 128);
  assert.is(storeSizeMiB([2 ** 20, 2 ** 20]), 384);
  assert.is(storeSizeMiB([2 ** 20], 10), 2 + 128);
});

Host.run();

const Podman = suite('bench/peers/podman-config');

Podman('the storage.conf names the private roots and the read-only store as an additional image store', () => {
  const text = podmanStorageConf({ graphRoot: '/w/use/root', runRoot: '/w/use/run', additionalImageStores: ['/w/store/graph', '/w/two'] });
  assert.is(tomlValue(text, 'driver'), 'overlay');
  assert.is(tomlValue(text, 'graphroot'), '/w/use/root');
  assert.is(tomlValue(text, 'runroot'), '/w/use/run');
  assert.equal(tomlValue(text, 'additionalimagestores'), ['/w/store/graph', '/w/two']);
  assert.ok(text.indexOf('[storage.options]') < text.indexOf('additionalimagestores'), 'additionalimagestores belongs to [storage.options]');
});

Podman('paths with quotes or backslashes stay one TOML string', () => {
  const odd = '/w/a "quoted" \\ dir';
  assert.is(tomlValue(podmanStorageConf({ graphRoot: odd, runRoot: '/r', additionalImageStores: [] }), 'graphroot'), odd);
  assert.is(tomlValue(podmanContainersConf({ tmpDir: odd }), 'tmp_dir'), odd);
});

Podman('the containers.conf needs no systemd and writes no event log', () => {
  const text = podmanContainersConf({ tmpDir: '/w/tmp' });
  assert.is(tomlValue(text, 'cgroup_manager'), 'cgroupfs');
  assert.is(tomlValue(text, 'events_logger'), 'none');
});

Podman('ulimits: open files at the hard limit, processes at the smaller of the hard limit and pid_max', () => {
  assert.equal(podmanUlimitArgs({ nofile: 20000, nproc: 96367 }, 32768), ['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768']);
  assert.equal(podmanUlimitArgs({ nofile: 4096, nproc: 1000 }, 4194304), ['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=1000:1000']);
});

Podman('ulimits: an unlimited hard limit leaves Podman its default', () => {
  assert.equal(podmanUlimitArgs({ nofile: Infinity, nproc: 500 }, 32768), ['--ulimit', 'nproc=500:500']);
  assert.equal(podmanUlimitArgs({ nofile: 10, nproc: Infinity }, 32768), ['--ulimit', 'nofile=10:10', '--ulimit', 'nproc=32768:32768']);
});

Podman('podman run never pulls, has no network, removes its container, and puts the probe after the image', () => {
  const args = podmanRunArgs('reg/img:tag', ['cat', '/data/keep.txt'], ['--ulimit', 'nofile=1:1']);
  assert.is(args[0], 'run');
  assert.ok(args.includes('--rm'));
  assert.is(args[args.indexOf('--pull') + 1], 'never');
  assert.is(args[args.indexOf('--network') + 1], 'none');
  assert.ok(args.indexOf('--ulimit') < args.indexOf('reg/img:tag'), 'options come before the image');
  assert.equal(args.slice(args.indexOf('reg/img:tag') + 1), ['cat', '/data/keep.txt']);
});

Podman.run();

const Containerd = suite('bench/peers/containerd');

Containerd('the config puts root, state and socket where asked, and turns off CRI and the /opt plugin', () => {
  const text = containerdConfig({ root: '/w/root', state: '/w/state', address: '/w/c.sock' });
  assert.is(tomlValue(text, 'version'), 2);
  assert.is(tomlValue(text, 'root'), '/w/root');
  assert.is(tomlValue(text, 'state'), '/w/state');
  assert.is(tomlValue(text, 'address'), '/w/c.sock');
  assert.equal(tomlValue(text, 'disabled_plugins'), ['io.containerd.grpc.v1.cri', 'io.containerd.internal.v1.opt']);
  assert.not.ok(text.includes('proxy_plugins'), 'no proxy plugin unless one is asked for');
});

Containerd('a proxy snapshotter gets its own section with its socket', () => {
  const text = containerdConfig({ root: '/r', state: '/s', address: '/c.sock', proxySnapshotters: { stargz: '/w/s.sock' } });
  const section = text.slice(text.indexOf('[proxy_plugins.stargz]'));
  assert.ok(text.includes('[proxy_plugins.stargz]'));
  assert.is(tomlValue(section, 'type'), 'snapshot');
  assert.is(tomlValue(section, 'address'), '/w/s.sock');
});

Containerd('sockets longer than a unix socket path can be, and odd snapshotter names, are refused', () => {
  const long = `/${'x'.repeat(MAX_SOCKET_PATH)}`;
  assert.throws(() => containerdConfig({ root: '/r', state: '/s', address: long }), RangeError);
  assert.throws(() => containerdConfig({ root: '/r', state: '/s', address: '/c', proxySnapshotters: { stargz: long } }), RangeError);
  assert.throws(() => containerdConfig({ root: '/r', state: '/s', address: '/c', proxySnapshotters: { 'a]b': '/s' } }), RangeError);
});

Containerd.run();

const Stargz = suite('bench/peers/stargz');

Stargz('the eStargz copy keeps the repository path and tag, in the given registry, in a repository of its own', () => {
  const ours = (path: string) => `127.0.0.1:5000/${ESGZ_REPOSITORY_PREFIX}${path}`;
  assert.is(esgzRef('127.0.0.1:5000', '127.0.0.1:9/bench/scaled:10x67108864'), ours('bench/scaled:10x67108864'));
  assert.is(esgzRef('127.0.0.1:5000', 'registry.example/team/app:v2'), ours('team/app:v2'));
  assert.is(esgzRef('127.0.0.1:5000', 'localhost/app:1'), ours('app:1'));
  assert.is(esgzRef('127.0.0.1:5000', 'library/busybox'), ours('library/busybox:latest'));
  assert.ok(ESGZ_REPOSITORY_PREFIX.endsWith('/') && ESGZ_REPOSITORY_PREFIX.length > 1, 'a repository path of its own');
});

Stargz('a reference pinned by digest has no tag to suffix and is refused', () => {
  assert.throws(() => esgzRef('r:1', `app@sha256:${'a'.repeat(64)}`), RangeError);
});

Stargz('the lazy pull and the run go through the stargz snapshotter over plain HTTP', () => {
  const pull = rpullArgs('/w/c.sock', 'r:1/app:t-esgz');
  assert.ok(pull.includes('rpull') && pull.includes('--plain-http'));
  assert.is(pull.at(-1), 'r:1/app:t-esgz');
  const run = runArgs('/w/c.sock', 'r:1/app:t-esgz', 'cold-0', ['cat', '/data/keep.txt']);
  assert.is(run[run.indexOf('--snapshotter') + 1], SNAPSHOTTER);
  assert.ok(run.includes('--rm'));
  assert.not.ok(run.some((a) => a.startsWith('--net')), 'no host network and no CNI');
  assert.equal(run.slice(run.indexOf('cold-0') - 1), ['r:1/app:t-esgz', 'cold-0', 'cat', '/data/keep.txt']);
});

Stargz('a pull that stored only manifest and config was lazy; any more blobs are downloaded layers', () => {
  const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
  assert.is(notLazyReason(`${digest(1)}\n${digest(2)}\n`), undefined);
  const reason = notLazyReason([1, 2, 3, 4, 5].map(digest).join('\n'));
  assert.ok(reason?.includes('3 layer'), reason);
});

Stargz('the pinned snapshotter version is the one bench/stargz-grpc/go.mod requires', () => {
  const goMod = readFileSync(join(STARGZ_GRPC_SOURCE, 'go.mod'), 'utf8');
  assert.is(requiredVersion(goMod, 'github.com/containerd/stargz-snapshotter'), STARGZ_SNAPSHOTTER_VERSION);
});

Stargz('requiredVersion reads both require forms and ignores comments and other modules', () => {
  const goMod = 'module x\n\nrequire a/b v1.2.3 // indirect\n\nrequire (\n\tc/d v0.1.0\n\t// e/f v9\n)\n';
  assert.is(requiredVersion(goMod, 'a/b'), 'v1.2.3');
  assert.is(requiredVersion(goMod, 'c/d'), 'v0.1.0');
  assert.is(requiredVersion(goMod, 'e/f'), undefined);
});

Stargz('a build is cached under the version and the digest of its sources, so a change to either rebuilds', () => {
  const one = buildFolder('/cache', 'v1.0.0', ['go.mod', 'main']);
  assert.ok(one.startsWith('/cache/stargz-grpc-v1.0.0-'), one);
  assert.is(buildFolder('/cache', 'v1.0.0', ['go.mod', 'main']), one);
  assert.is.not(buildFolder('/cache', 'v1.0.0', ['go.mod', 'main changed']), one);
  assert.is.not(buildFolder('/cache', 'v1.0.1', ['go.mod', 'main']), one);
});

Stargz('PEERS lists each peer once, under a distinct name', () => {
  const names = PEERS.map((p) => p.name);
  assert.equal(names, ['podman', 'stargz']);
});

Stargz.run();
