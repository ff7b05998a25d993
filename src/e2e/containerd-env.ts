/**
 * The containerd image store's parts for the e2e (issue 15): an extra-snapshotter serving the store,
 * and a containerd of the test's own (Debian's 1.6 works) with it as the proxy plugin `extra`, each
 * on its own root, state and socket under one folder. dockerd is then started with `--containerd`
 * pointing here and `"storage-driver": "extra"`. The snapshotter can be stopped and started again
 * (its restart is a scenario); everything is stopped, and every mount below the folder undone, by
 * the teardown.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunResult } from '../exec/run.ts';
import type { E2eContext } from './context.ts';
import { parseMountInfo, type MountInfo } from './mounts.ts';
import { killMentioning, sleep } from './processes.ts';

/** The proxy plugin's name in containerd's config, and dockerd's storage-driver. */
export const SNAPSHOTTER = 'extra';

export interface ContainerdPaths {
  dir: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  snapshotterRoot: string;
  /** A tmpfs, as the snapshotter requires: the store layers' bind mounts live below it. */
  snapshotterState: string;
  snapshotterSocket: string;
}

export function containerdPaths(dir: string): ContainerdPaths {
  return {
    dir,
    containerdRoot: join(dir, 'ctd-root'),
    containerdState: join(dir, 'ctd-state'),
    containerdSocket: join(dir, 'ctd.sock'),
    snapshotterRoot: join(dir, 'snap-root'),
    snapshotterState: join(dir, 'snap-state'),
    snapshotterSocket: join(dir, 'snap-state', 'snap.sock'),
  };
}

/** containerd's config: its own root, state and socket, no CRI, extra-snapshotter as a proxy plugin. */
export function containerdConfig(p: ContainerdPaths): string {
  return [
    'version = 2',
    `root = ${JSON.stringify(p.containerdRoot)}`,
    `state = ${JSON.stringify(p.containerdState)}`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = ${JSON.stringify(p.containerdSocket)}`,
    `[proxy_plugins.${SNAPSHOTTER}]`,
    '  type = "snapshot"',
    `  address = ${JSON.stringify(p.snapshotterSocket)}`,
    '',
  ].join('\n');
}

/** On the containerd store the content check is the snapshotter's: `verify` is what dockerd's extra-storage says. */
export function snapshotterArgs(p: ContainerdPaths, store: string, verify: 'content' | 'trusted' = 'content'): string[] {
  return ['--root', p.snapshotterRoot, '--state', p.snapshotterState, '--address', p.snapshotterSocket, '--extra-store', store, '--verify', verify, '--log-level', 'debug'];
}

export interface ContainerdEnvOptions {
  verify?: 'content' | 'trusted';
  /** Prefixes the log files, so each environment of a run keeps its own. */
  name?: string;
}

export interface ContainerdEnv {
  paths: ContainerdPaths;
  startSnapshotter(): Promise<void>;
  stopSnapshotter(): Promise<void>;
  /** Waits until containerd reaches the snapshotter again (its client backs off after a restart). */
  waitSnapshotter(): Promise<boolean>;
  /** `ctr` against this containerd, in dockerd's namespace. */
  ctr(args: string[]): Promise<RunResult>;
  /** The committed snapshots of the snapshotter, by key (`sha256:CHAINID` for image layers). */
  committedSnapshots(): Promise<string[]>;
  /** A snapshot's labels as containerd keeps them (undefined when there is no such snapshot). */
  snapshotLabels(key: string): Promise<Record<string, string> | undefined>;
  /** Stops containerd and the snapshotter and undoes their mounts now rather than at teardown. */
  stop(): Promise<void>;
}

interface Background {
  stop(): Promise<void>;
}

/** Starts binary in the background and waits for socket to appear; the marker (a path in its arguments) finds it to kill. */
async function startInBackground(ctx: E2eContext, binary: string, args: string[], socket: string, logFile: string, marker: string): Promise<Background> {
  const controller = new AbortController();
  let exited: RunResult | undefined;
  const done = run(binary, args, { cwd: ctx.work, logFile, signal: controller.signal, reject: false, tailLines: 20 }).then(
    (result) => (exited = result),
    (error: unknown) => (exited = { stdout: '', stderr: String(error), exitCode: -1 }),
  );
  const stop = async () => {
    controller.abort();
    await Promise.race([done, sleep(10_000)]);
    await killMentioning(marker);
  };
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (exited) throw new Error(`${binary} exited with code ${exited.exitCode} before it served ${socket}; see ${logFile}`);
    if (existsSync(socket)) return { stop };
    await sleep(200);
  }
  await stop();
  throw new Error(`${binary} did not serve ${socket} within 30 s; see ${logFile}`);
}

export async function startContainerdEnv(ctx: E2eContext, snapshotterBinary: string, store: string, options: ContainerdEnvOptions = {}): Promise<ContainerdEnv> {
  // Short paths: unix sockets must stay within 108 bytes.
  const paths = containerdPaths(await mkdtemp(join(ctx.work, 'c-')));
  const log = (file: string) => join(ctx.logDir, options.name ? `${options.name}-${file}` : file);
  const releases: (() => Promise<void>)[] = [];
  await mkdir(paths.snapshotterState, { recursive: true });
  await run('mount', ['-t', 'tmpfs', '-o', 'mode=0700', 'tmpfs', paths.snapshotterState], { cwd: ctx.work, signal: ctx.signal });
  releases.push(ctx.teardown.defer(`unmount ${paths.snapshotterState} and the layer mounts below it`, () => unmountBelow(paths.snapshotterState)));

  let snapshotter: Background | undefined;
  const startSnapshotter = async () => {
    snapshotter = await startInBackground(ctx, snapshotterBinary, snapshotterArgs(paths, store, options.verify), paths.snapshotterSocket, log('extra-snapshotter.log'), paths.snapshotterSocket);
  };
  const stopSnapshotter = async () => {
    await snapshotter?.stop();
    snapshotter = undefined;
  };
  await startSnapshotter();
  releases.push(ctx.teardown.defer('stop extra-snapshotter', stopSnapshotter));

  const configFile = join(paths.dir, 'containerd.toml');
  await writeFile(configFile, containerdConfig(paths));
  const containerd = await startInBackground(ctx, 'containerd', ['--config', configFile], paths.containerdSocket, log('containerd.log'), configFile);
  // Its shims name its socket: killed with it, so no container outlives the test.
  releases.push(ctx.teardown.defer('stop containerd and its shims', async () => {
    await containerd.stop();
    await killMentioning(paths.containerdSocket);
  }));
  const stop = async () => {
    for (const release of releases.reverse()) await release();
  };
  const ctr = (args: string[]) => run('ctr', ['-a', paths.containerdSocket, '-n', 'moby', ...args], { cwd: ctx.work, reject: false, timeoutMs: 30_000 });
  const committedSnapshots = async () => {
    const listed = await ctr(['snapshots', '--snapshotter', SNAPSHOTTER, 'ls']);
    if (listed.exitCode !== 0) throw new Error(`ctr snapshots ls: ${listed.stderr.trim()}`);
    return parseCommitted(listed.stdout);
  };
  const snapshotLabels = async (key: string) => {
    const info = await ctr(['snapshots', '--snapshotter', SNAPSHOTTER, 'info', key]);
    return info.exitCode === 0 ? ((JSON.parse(info.stdout) as { Labels?: Record<string, string> }).Labels ?? {}) : undefined;
  };
  const waitSnapshotter = async () => {
    for (let waited = 0; waited < 30_000; waited += 500) {
      if ((await ctr(['snapshots', '--snapshotter', SNAPSHOTTER, 'ls'])).exitCode === 0) return true;
      await sleep(500);
    }
    return false;
  };
  return { paths, startSnapshotter, stopSnapshotter, waitSnapshotter, ctr, committedSnapshots, snapshotLabels, stop };
}

/** `ctr snapshots ls`: KEY PARENT KIND, a header line first. */
export function parseCommitted(listing: string): string[] {
  return listing.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 2 && f.at(-1) === 'Committed').map((f) => f[0]!);
}

/** The mounts at dir and below it, deepest first, so a stopped snapshotter leaves no layer mounted. */
export async function mountsBelow(dir: string): Promise<MountInfo[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'))
    .filter((m) => m.mountPoint === dir || m.mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
}

async function unmountBelow(dir: string): Promise<void> {
  for (const m of await mountsBelow(dir)) await run('umount', [m.mountPoint], { cwd: '/', reject: false });
}
