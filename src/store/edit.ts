/**
 * The shared life of `store add` and `store rm`, as declared steps (src/steps.ts): refuse a store in
 * use or read-only, deal with what an earlier interrupted run left, stage a copy beside the store,
 * run a private dockerd of the store's engine line on the copy (its own socket and exec-root, no
 * bridge, no iptables, overlay2, no extra-storage), let the verb's steps work through it, stop it,
 * run `store check` on the copy and switch it in only when clean. On any failure or Ctrl-C the
 * onFailure step stops the daemon and removes the copy: the store is as it was.
 */
import { access, mkdir, mkdtemp, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from '../e2e/daemon.ts';
import { findDockerCli } from '../e2e/docker.ts';
import { daemonConfigFor } from '../e2e/engine-line.ts';
import { parseMountInfo } from '../e2e/mounts.ts';
import { isAlive } from '../e2e/processes.ts';
import { run } from '../exec/run.ts';
import { need, type Step, type StepState } from '../steps.ts';
import { summarize } from './check.ts';
import { StoreDockerdMissingError, StoreEditCheckError, StoreRefusedError } from './errors.ts';
import { fsStoreView } from './fs-view.ts';
import { dockerdHolds, guardStore, type StoreState } from './guard.ts';
import { readStore, type StoreContents } from './read.ts';
import { makeStagingCopy, type StagedCopy } from './stage-copy.ts';
import { exists, leftoversOf, planLeftovers, stagingPaths, switchIn, type LeftoverAction, type StagingPaths } from './staging.ts';

export interface EditState extends StepState {
  verb: 'add' | 'rm';
  store: string;
  dockerd: string;
  storeState?: StoreState;
  cleaned?: LeftoverAction[];
  paths?: StagingPaths;
  staged?: StagedCopy;
  /** The store before, read with the engine's rules (empty for a new store). */
  before?: StoreContents;
  /** The copy after the verb's work, read the same way. */
  after?: StoreContents;
  daemon?: Daemon;
  /** exec-root, socket and logs of the private dockerd; kept when it failed to start. */
  daemonDir?: string;
  switched?: boolean;
}

export function editState(verb: EditState['verb'], store: string, dockerd: string): EditState {
  return { verb, store, dockerd };
}

const emptyContents = (root: string): StoreContents => ({ root, images: [], layers: new Map(), findings: [], readable: true });

/** The verb's work through the running dockerd sits between `before` and `after`. */
export function editSteps<S extends EditState>(work: readonly Step<S>[]): Step<S>[] {
  return [
    {
      title: 'Check the store can be changed',
      run: async (s) => {
        await requireDockerd(s.dockerd);
        s.storeState = await guardStore(s.verb, s.store);
        if (s.verb === 'rm' && s.storeState !== 'store') throw new StoreRefusedError('rm', s.store, 'not-a-store', 'there is no store here to remove images from');
        // The copy's name is taken first (mkdir is atomic), so two runs that start together see each other.
        const paths = stagingPaths(s.store, process.pid);
        await mkdir(paths.staging);
        try {
          s.cleaned = await cleanLeftovers(s, paths.staging);
          if (s.cleaned.some((a) => a.kind === 'restore')) s.storeState = await guardStore(s.verb, s.store);
          s.before = s.storeState === 'store' ? await readStore(fsStoreView(s.store)) : emptyContents(s.store);
        } catch (error) {
          await rmdir(paths.staging);
          throw error;
        }
        s.paths = paths;
        const cleaned = s.cleaned.length ? `; ${s.cleaned.map((a) => `${a.kind === 'restore' ? 'restored' : 'removed'} ${a.path} (${a.why})`).join('; ')}` : '';
        return `Store ${s.store}: ${s.storeState === 'store' ? `${s.before.images.length} image(s), ${s.before.layers.size} layer(s)` : 'new'}${cleaned}`;
      },
    },
    {
      title: 'Stage a copy beside the store',
      keepGoing: true,
      run: async (s, io) => {
        const paths = need(s.paths, 'the staging name');
        s.staged = await makeStagingCopy(s.storeState === 'store' ? s.store : undefined, paths.staging, io.signal);
        const how = { new: 'an empty new store', reflink: 'a reflink copy', hardlink: `a hardlink copy (layer files shared, ${s.staged.copiedFiles} metadata files copied)` }[s.staged.kind];
        return `Staged ${how} at ${paths.staging}`;
      },
    },
    {
      title: 'Start a private dockerd on the copy',
      keepGoing: true,
      run: async (s, io) => {
        const paths = need(s.paths, 'the staging copy');
        s.daemonDir = await mkdtemp(join(tmpdir(), `dockerd-extra-${s.verb}-`));
        const line = await daemonConfigFor(s.dockerd, io.signal);
        s.daemon = await startDaemon({
          name: `store-${s.verb}`, binary: s.dockerd, dir: s.daemonDir, dataRoot: paths.staging, config: line.config,
          dockerCli: await findDockerCli(), logDir: join(s.daemonDir, 'logs'),
        });
        return `Started dockerd on the copy (${s.daemonDir}/docker.sock)`;
      },
    },
    ...work.map((step) => ({ ...step, keepGoing: true })),
    {
      title: 'Stop the dockerd',
      keepGoing: true,
      run: async (s) => {
        await stopDaemon(s);
      },
    },
    {
      title: 'Check the result with store check',
      keepGoing: true,
      run: async (s) => {
        const paths = need(s.paths, 'the staging copy');
        s.after = await readStore(fsStoreView(paths.staging));
        const report = summarize(s.after);
        if (report.findings.length > 0) throw new StoreEditCheckError(s.verb, s.store, report.findings.map((f) => `${join(s.store, f.path)}  ${f.rule}: ${f.message}`));
        return `store check: clean, ${report.images} image(s), ${report.tags} tag(s), ${report.layers} layer(s)`;
      },
    },
    {
      title: 'Switch the copy in',
      keepGoing: true,
      run: async (s) => {
        await switchIn(need(s.paths, 'the staging copy'), s.storeState === 'store' || s.storeState === 'empty');
        s.switched = true;
        s.after = { ...need(s.after, 'the checked copy'), root: s.store };
        return `Switched in: ${s.store}`;
      },
    },
    {
      title: 'Stop the dockerd and remove the copy; the store is as it was',
      onFailure: true,
      run: async (s) => {
        await stopDaemon(s);
        if (s.paths && !s.switched) await removeTree(s.paths.staging);
      },
    },
  ];
}

async function requireDockerd(dockerd: string): Promise<void> {
  if (!(await access(dockerd).then(() => true, () => false))) {
    throw new StoreDockerdMissingError(dockerd);
  }
}

async function stopDaemon(s: EditState): Promise<void> {
  const daemon = s.daemon;
  s.daemon = undefined;
  if (daemon) await daemon.stop();
  if (s.paths) await unmountBelow(s.paths.staging);
  if (s.daemonDir && !s.failure) await rm(s.daemonDir, { recursive: true, force: true });
}

/** Every mount at or below path, deepest first (a dockerd killed hard leaves its overlay mounts). */
export async function unmountBelow(path: string): Promise<void> {
  const mounts = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'))
    .map((m) => m.mountPoint)
    .filter((m) => m === path || m.startsWith(`${path}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run('umount', ['-l', m], { cwd: '/', reject: false, timeoutMs: 30_000 });
}

async function removeTree(path: string): Promise<void> {
  await unmountBelow(path);
  await rm(path, { recursive: true, force: true });
}

/** Removes or restores what dead runs left beside the store; refuses while one is alive. */
async function cleanLeftovers(s: EditState, own: string): Promise<LeftoverAction[]> {
  const leftovers = (await leftoversOf(s.store)).filter((l) => l.path !== own);
  for (const l of leftovers) {
    if (isAlive(l.pid)) throw new StoreRefusedError(s.verb, s.store, 'leftover-in-use', `another run (process ${l.pid}) is working on it through ${l.path}; wait for it to finish`);
    if (l.kind === 'staging' && (await dockerdHolds(l.path))) throw new StoreRefusedError(s.verb, s.store, 'leftover-in-use', `a dockerd left by an interrupted run still runs on ${l.path}; stop it, then run again`);
  }
  const actions = planLeftovers(leftovers, await exists(s.store));
  for (const a of actions) {
    if (a.kind === 'restore') await rename(a.path, s.store);
    else await removeTree(a.path);
  }
  return actions;
}
