/**
 * extra-snapshotter, the containerd proxy snapshotter of the project (snapshotter/, its own Go
 * module), built next to dockerd for the engine lines whose containerd image store can use it. The
 * module's Makefile is the one recipe (generate the copies of the engine's store code, then build);
 * Go runs with the local toolchain and the versions pinned in go.sum, fetched through the module proxy.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../digest.ts';
import { ExecError } from '../errors.ts';
import { run } from '../exec/run.ts';
import { BinaryMissingError, SnapshotterBuildError, SnapshotterModuleMissingError, SnapshotterRejectedError } from './errors.ts';

export const SNAPSHOTTER = 'extra-snapshotter';
/** The module's folder in the project. */
export const SNAPSHOTTER_MODULE = 'snapshotter';
/** The first engine line whose containerd image store takes a proxy snapshotter of ours (issue 15). */
export const SNAPSHOTTER_FIRST_LINE = 29;

/**
 * The Go environment of every snapshotter build, ours and the RPM's: no toolchain download, go.sum as
 * written (never updated by a build), and a binary that depends only on its sources.
 */
export const SNAPSHOTTER_GO_ENV = { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly -trimpath -buildvcs=false' } as const;

export type SnapshotterChoice = { kind: 'build' } | { kind: 'skip'; reason: string };

/** Pure: whether a build of engine line `line` gets the snapshotter, or why not. */
export function chooseSnapshotter(line: number, wanted: boolean): SnapshotterChoice {
  if (!wanted) return { kind: 'skip', reason: '--no-snapshotter' };
  if (line < SNAPSHOTTER_FIRST_LINE) {
    return { kind: 'skip', reason: `engine line v${line} keeps extra-storage on the graphdriver store: extra-snapshotter is for docker-v${SNAPSHOTTER_FIRST_LINE}+ (containerd image store)` };
  }
  return { kind: 'build' };
}

export function snapshotterLogOf(outDir: string): string {
  return join(outDir, 'build-snapshotter.log');
}

export interface SnapshotterBuild {
  projectRoot: string;
  outDir: string;
  logFile: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

export interface BuiltSnapshotter {
  binary: string;
  /** False when the build gave the very binary already in outDir, which was then left as it was. */
  replaced: boolean;
}

/**
 * `make -C snapshotter build` into a temp folder inside outDir, then a rename over outDir's binary
 * (a snapshotter running from there keeps its file). Go's build cache makes a build of unchanged
 * sources take seconds, so there is no stamp of its own to skip it.
 */
export async function buildSnapshotter(o: SnapshotterBuild): Promise<BuiltSnapshotter> {
  const moduleDir = join(o.projectRoot, SNAPSHOTTER_MODULE);
  if (!existsSync(join(moduleDir, 'go.mod'))) throw new SnapshotterModuleMissingError(moduleDir);
  await mkdir(o.outDir, { recursive: true });
  await rm(o.logFile, { force: true }); // one log per build: run() appends
  const temp = await mkdtemp(join(o.outDir, `.${SNAPSHOTTER}-`));
  try {
    const args = ['-C', moduleDir, 'build', `BIN=${temp}`];
    await run('make', args, {
      cwd: moduleDir,
      env: { ...o.env, ...SNAPSHOTTER_GO_ENV },
      extendEnv: false,
      timeoutMs: 30 * 60_000,
      logFile: o.logFile,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onLine ? { onLine: o.onLine } : {}),
    }).catch((error: unknown) => {
      if (error instanceof ExecError) throw new SnapshotterBuildError(`make ${args.slice(0, 3).join(' ')}`, error.reason, error.stderrTail, o.logFile);
      throw error;
    });
    const built = join(temp, SNAPSHOTTER);
    if (!existsSync(built)) throw new BinaryMissingError(built, o.logFile);
    const binary = join(o.outDir, SNAPSHOTTER);
    if (existsSync(binary) && (await sha256File(binary)) === (await sha256File(built))) return { binary, replaced: false };
    await chmod(built, 0o755);
    await rename(built, binary);
    return { binary, replaced: true };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** The snapshotter's own usage names the containerd setting it serves: proof it is that program. */
export const SNAPSHOTTER_USAGE_MARK = '[proxy_plugins.extra]';

/** Runs `extra-snapshotter --help` (it starts nothing); returns the usage's first line. */
export async function verifySnapshotter(binary: string, signal?: AbortSignal): Promise<string> {
  const out = await run(binary, ['--help'], { cwd: join(binary, '..'), timeoutMs: 30_000, reject: false, ...(signal ? { signal } : {}) });
  const text = `${out.stdout}\n${out.stderr}`.trim();
  if (out.exitCode !== 0 || !text.includes(SNAPSHOTTER_USAGE_MARK)) throw new SnapshotterRejectedError(binary, out.exitCode, text.split('\n').slice(0, 10));
  return text.split('\n')[0] ?? '';
}
