import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { containerdConfig, containerdPaths, parseCommitted, snapshotterArgs, SNAPSHOTTER } from '../../src/e2e/containerd-env.ts';
import { daemonArgs } from '../../src/e2e/daemon.ts';

const Env = suite('e2e/containerd-env: containerd and extra-snapshotter of the test\'s own');

Env('every path lives under the one folder, and the sockets stay within a unix socket path', () => {
  const p = containerdPaths('/tmp/dxe-abcdef/c-ghijkl');
  for (const path of Object.values(p)) assert.ok(path.startsWith('/tmp/dxe-abcdef/c-ghijkl'), path);
  assert.ok(p.snapshotterSocket.startsWith(`${p.snapshotterState}/`), 'the socket sits on the tmpfs state, gone with it');
  for (const socket of [p.containerdSocket, p.snapshotterSocket]) assert.ok(Buffer.byteLength(socket) < 108, socket);
});

Env("containerd's config: own root, state and socket, no CRI, the snapshotter as proxy plugin", () => {
  const p = containerdPaths('/w/c');
  const text = containerdConfig(p);
  assert.match(text, /^version = 2$/m);
  assert.match(text, /^root = "\/w\/c\/ctd-root"$/m);
  assert.match(text, /^state = "\/w\/c\/ctd-state"$/m);
  assert.match(text, /disabled_plugins = \["io\.containerd\.grpc\.v1\.cri"\]/);
  assert.match(text, /\[grpc\]\n {2}address = "\/w\/c\/ctd\.sock"/);
  assert.match(text, new RegExp(`\\[proxy_plugins\\.${SNAPSHOTTER}\\]\\n {2}type = "snapshot"\\n {2}address = "/w/c/snap-state/snap\\.sock"`));
});

Env('the snapshotter serves the store dockerd is configured with, from its own root and state', () => {
  const p = containerdPaths('/w/c');
  const args = snapshotterArgs(p, '/w/store');
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.is(value('--extra-store'), '/w/store');
  assert.is(value('--root'), p.snapshotterRoot);
  assert.is(value('--state'), p.snapshotterState);
  assert.is(value('--address'), p.snapshotterSocket);
  assert.is(value('--verify'), 'content', "the engine's default");
  const trusted = snapshotterArgs(p, '/w/store', 'trusted');
  assert.is(trusted[trusted.indexOf('--verify') + 1], 'trusted', 'as the host\'s extra-storage says');
});

Env("the committed snapshots of `ctr snapshots ls`: keys of Committed rows only, the header skipped", () => {
  const listing = [
    'KEY                                                                     PARENT                                                                  KIND',
    `sha256:${'a'.repeat(64)}                                                                         Committed`,
    `sha256:${'b'.repeat(64)} sha256:${'a'.repeat(64)} Committed`,
    `extract-123-x sha256:${'b'.repeat(64)} Active`,
    `view-1 sha256:${'b'.repeat(64)} View`,
    '',
  ].join('\n');
  assert.equal(parseCommitted(listing), [`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`]);
  assert.equal(parseCommitted('KEY PARENT KIND\n'), []);
});

Env('dockerd is pointed at that containerd only when asked', () => {
  const base = { dataRoot: '/r', execRoot: '/e', socket: '/s', pidfile: '/p', configFile: '/c' };
  const args = daemonArgs({ ...base, storageDriver: SNAPSHOTTER, containerd: '/w/c/ctd.sock' });
  assert.is(args[args.indexOf('--containerd') + 1], '/w/c/ctd.sock');
  assert.is(args[args.indexOf('--storage-driver') + 1], 'extra');
  assert.not.ok(daemonArgs(base).includes('--containerd'));
});

Env.run();
