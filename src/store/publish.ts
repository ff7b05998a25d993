/**
 * `store publish`: a new read-only generation of the store DIR under EXPORT, then EXPORT/current
 * switched to it at once (a symlink made under a temporary name and renamed over current, as CVMFS
 * publishes), then the generations older than the newest `keep` removed, never the current one.
 * The engine links each pull to the generation current names at that moment (generations.ts), so
 * containers started before a publish keep reading their generation.
 *
 * Order, so that an interruption leaves EXPORT as it was: refuse a live data-root and a store that
 * fails `store check`; copy into generations/.staging-NAME (reflink where the filesystem can, else
 * hardlinks on the same filesystem, else a copy); check the copy; sync it; rename it into place;
 * switch current; sync EXPORT; prune. One publish at a time (EXPORT/.publish.lock).
 */
import { lstat, mkdir, open, readdir, readlink, rename, rm, rmdir, stat, symlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { CancelledError, UserError } from '../errors.ts';
import { run } from '../exec/run.ts';
import { checkStore, type CheckReport } from './check.ts';
import { fsStoreView } from './fs-view.ts';
import { CURRENT_LINK, GENERATIONS_DIR, generationOfTarget, generationsToPrune, nextGenerationName, parseGenerations } from './generations.ts';
import { refuseInUse } from './guard.ts';

export type CopyMethod = 'reflink' | 'hardlink' | 'copy';

export interface PublishOptions {
  store: string;
  exportDir: string;
  keep: number;
  now?: Date;
  signal?: AbortSignal;
  onStep?: (message: string) => void;
}

export interface PublishResult {
  exportDir: string;
  generation: string;
  path: string;
  method: CopyMethod;
  previous: string | undefined;
  pruned: string[];
  kept: string[];
  check: CheckReport;
}

const LOCK = '.publish.lock';
const STAGING = '.staging-';

export class ReadOnlyExportError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly exportDir: string,
    readonly code: string,
  ) {
    super(`store publish: ${exportDir} cannot be written (${code}); publish to a writable directory (the export's read-write side), hosts mount it read-only`);
    this.name = 'ReadOnlyExportError';
  }
}

export class StoreFailsCheckError extends UserError {
  constructor(
    readonly store: string,
    readonly report: CheckReport,
    readonly stage: 'store' | 'copy',
  ) {
    const first = report.findings[0]!;
    const what = stage === 'store' ? `${store} fails store check` : `the copy of ${store} fails store check (the store changed while it was copied?)`;
    super(`store publish: ${what} (${report.findings.length} problem(s), first: ${join(report.root, first.path)}  ${first.rule}: ${first.message}); nothing was published; npm run store -- check ${store} lists them`);
    this.name = 'StoreFailsCheckError';
  }
}

export class PublishBusyError extends UserError {
  constructor(readonly lock: string) {
    super(`store publish: another publish to this export is running (${lock} exists); wait for it, or remove ${lock} if no publish is running`);
    this.name = 'PublishBusyError';
  }
}

export class OverlappingExportError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly store: string,
    readonly exportDir: string,
  ) {
    super(`store publish: the store ${store} and the export ${exportDir} overlap; give an export outside the store (and a store outside the export)`);
    this.name = 'OverlappingExportError';
  }
}

const inside = (parent: string, child: string) => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

export async function publishStore(options: PublishOptions): Promise<PublishResult> {
  const store = resolve(options.store);
  const exportDir = resolve(options.exportDir);
  const step = options.onStep ?? (() => {});
  if (inside(store, exportDir) || inside(exportDir, store)) throw new OverlappingExportError(store, exportDir);
  await refuseInUse('publish', store);

  step(`checking ${store}`);
  const check = await checkStore(fsStoreView(store));
  if (check.findings.length > 0) throw new StoreFailsCheckError(store, check, 'store');

  const generations = join(exportDir, GENERATIONS_DIR);
  await makeDir(generations).catch(readOnly(exportDir));
  const lock = join(exportDir, LOCK);
  await mkdir(lock).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw new PublishBusyError(lock);
    return readOnly(exportDir)(error);
  });
  try {
    return await publishLocked(store, exportDir, options, check, step);
  } finally {
    await rmdir(lock).catch(() => {});
  }
}

async function publishLocked(store: string, exportDir: string, options: PublishOptions, check: CheckReport, step: (m: string) => void): Promise<PublishResult> {
  const generations = join(exportDir, GENERATIONS_DIR);
  const names = await readdir(generations);
  // A staging copy is only ever a publish that was interrupted.
  for (const name of names.filter((n) => n.startsWith(STAGING))) await rm(join(generations, name), { recursive: true, force: true });
  const existing = parseGenerations(names);
  const generation = nextGenerationName(existing, options.now ?? new Date());
  const stage = join(generations, STAGING + generation);
  const final = join(generations, generation);
  let method: CopyMethod;
  try {
    step(`copying ${store} to ${stage}`);
    method = await copyTree(store, stage, generations, options.signal);
    const copied = await checkStore(fsStoreView(stage));
    if (copied.findings.length > 0) throw new StoreFailsCheckError(store, copied, 'copy');
    await run('sync', ['-f', stage], { cwd: exportDir, ...(options.signal ? { signal: options.signal } : {}) });
    await rename(stage, final);
  } catch (error) {
    await rm(stage, { recursive: true, force: true });
    throw error;
  }

  const previous = await currentGeneration(exportDir);
  step(`switching ${join(exportDir, CURRENT_LINK)} to ${GENERATIONS_DIR}/${generation}`);
  await switchCurrent(exportDir, generation);

  const toPrune = generationsToPrune(parseGenerations(await readdir(generations)), options.keep, generation);
  for (const g of toPrune) {
    step(`removing generation ${g.name}`);
    await rm(join(generations, g.name), { recursive: true, force: true });
  }
  const kept = parseGenerations(await readdir(generations)).map((g) => g.name);
  return { exportDir, generation, path: final, method, previous, pruned: toPrune.map((g) => g.name), kept, check };
}

/** The generation EXPORT/current names now, if it is a link of the published form. */
export async function currentGeneration(exportDir: string): Promise<string | undefined> {
  const target = await readlink(join(exportDir, CURRENT_LINK)).catch(() => undefined);
  return target === undefined ? undefined : generationOfTarget(target);
}

/** current → generations/NAME in one rename(2), then the directory synced so the switch survives a crash. */
async function switchCurrent(exportDir: string, generation: string): Promise<void> {
  const temp = join(exportDir, `.${CURRENT_LINK}.tmp-${process.pid}`);
  await rm(temp, { force: true });
  await symlink(`${GENERATIONS_DIR}/${generation}`, temp);
  await rename(temp, join(exportDir, CURRENT_LINK));
  const dir = await open(exportDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * A copy of src at dest keeping owners, modes, xattrs (opaque directories), device nodes (whiteouts)
 * and hardlinks: cloned extents where the filesystem shares them (no data copied, later changes to
 * src never reach dest), else hardlinks when on the same filesystem (the tools and dockerd replace
 * store files, never rewrite them in place), else a full copy.
 */
async function copyTree(src: string, dest: string, destParent: string, signal: AbortSignal | undefined): Promise<CopyMethod> {
  const opts = { cwd: destParent, ...(signal ? { signal } : {}) };
  const cp = (flags: string[]) => run('cp', [...flags, `${src}/.`, dest], { ...opts, reject: false });
  if ((await cp(['-a', '--reflink=always'])).exitCode === 0) return 'reflink';
  if (signal?.aborted) throw new CancelledError('store publish');
  await rm(dest, { recursive: true, force: true });
  const [s, d] = await Promise.all([stat(src), stat(destParent)]);
  if (s.dev === d.dev) {
    if ((await cp(['-a', '--link'])).exitCode === 0) return 'hardlink';
    await rm(dest, { recursive: true, force: true });
  }
  await run('cp', ['-a', `${src}/.`, dest], opts);
  return 'copy';
}

/** mkdir -p, one level at a time: Node's recursive mkdir says ENOENT where the kernel said EROFS. */
async function makeDir(path: string): Promise<void> {
  const exists = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  };
  try {
    await mkdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(path) === path) return exists(error as NodeJS.ErrnoException);
    await makeDir(dirname(path));
    await mkdir(path).catch(exists);
  }
}

function readOnly(exportDir: string) {
  return (error: NodeJS.ErrnoException): never => {
    if (error.code === 'EROFS' || error.code === 'EACCES' || error.code === 'EPERM') throw new ReadOnlyExportError(exportDir, error.code);
    throw error;
  };
}

/**
 * The directory `check` and `ls` read for DIR: DIR itself, or, for an export with a current link and
 * no data-root of its own, the generation current names (read with lstat: a link that is not of the
 * published form, or a generation that is not a plain directory, leaves DIR as it is, and the check
 * then says what is missing).
 */
export async function throughCurrent(dir: string): Promise<{ dir: string; generation?: string }> {
  const own = await lstat(join(dir, 'image')).then(() => true, () => false);
  if (own) return { dir };
  const generation = await currentGeneration(dir);
  if (!generation) return { dir };
  const target = join(dir, GENERATIONS_DIR, generation);
  const st = await lstat(join(dir, GENERATIONS_DIR)).then((g) => (g.isDirectory() ? lstat(target) : undefined)).catch(() => undefined);
  return st?.isDirectory() ? { dir: target, generation } : { dir };
}
