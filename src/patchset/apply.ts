/**
 * The only writer of the moby tree: one journal for every change to it. A plan is written file by
 * file, each through a temp file in the same folder and a rename (so no file is ever seen half
 * written), keeping modes and owners; a file an earlier set created and the new one does not have is
 * deleted. Every file is checked against the plan first. On any failure or on abort every file
 * already written is put back before the error goes up. Last comes `.dockerd-extra-applied.json`,
 * so a tree that has the record has the whole patch set.
 *
 * A finished apply returns a TreeChange whose rollback() puts the tree back as it was before it,
 * until commit() says the change is kept (build-dockerd: once the build has succeeded).
 */
import { chmod, chown, mkdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { CancelledError, orIfMissing, UserError } from '../errors.ts';
import { ApplyError, PatchSetError, StaleTreeError } from './errors.ts';
import type { FileWrite, Plan } from './plan.ts';
import { formatRecord, RECORD_FILE, type AppliedRecord } from './record.ts';

export interface ApplyOptions {
  /** Called after each file is in place (progress display). */
  onWritten?: (path: string, done: number, total: number) => void;
}

/** What an apply did to the tree, and the way back. */
export interface TreeChange {
  /** The files written or deleted, the record not counted. */
  readonly writes: readonly FileWrite[];
  /**
   * Puts every file back as it was before the apply (created files and folders removed, deleted
   * ones restored). A file changed since the apply wrote it is left alone and reported: one line
   * per file not put back.
   */
  rollback(): Promise<string[]>;
  /** The change is kept: rollback() is no longer allowed. */
  commit(): void;
}

type ApplyPlan = Extract<Plan, { kind: 'apply' }>;

interface Original {
  bytes: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

interface Entry {
  path: string;
  target: string;
  /** The bytes before, or undefined when the file was created. */
  original: Original | undefined;
  /** The bytes written, or undefined when the file was deleted. */
  after: Buffer | undefined;
  /** The first folder this apply created for the file, if any. */
  createdDir: string | undefined;
  /** False while the write is under way: a failed write left the target as it was. */
  done: boolean;
}

export async function applyPlan(
  treeDir: string,
  plan: ApplyPlan,
  record: AppliedRecord,
  signal?: AbortSignal,
  options: ApplyOptions = {},
): Promise<TreeChange> {
  if (signal?.aborted) throw new CancelledError('applying the patch set');
  const recordWrite: FileWrite = { path: RECORD_FILE, before: undefined, after: formatRecord(record), source: 'full' };
  const writes = [...plan.writes, recordWrite];
  const journal: Entry[] = [];
  let current = '';
  try {
    const originals = await Promise.all(writes.map((w) => readOriginal(treeDir, w)));
    for (const [i, write] of writes.entries()) {
      current = write.path;
      if (signal?.aborted) throw new CancelledError('applying the patch set');
      await writeOne(treeDir, write, originals[i], journal);
      if (i < plan.writes.length) options.onWritten?.(write.path, i + 1, plan.writes.length);
    }
  } catch (error) {
    const failures = await undo(treeDir, journal);
    if (error instanceof UserError && failures.length === 0) throw error;
    const reason = error instanceof UserError ? error.message : describe(error);
    throw new ApplyError(current, reason, failures);
  }
  return handle(treeDir, plan.writes, journal);
}

function handle(treeDir: string, writes: readonly FileWrite[], journal: Entry[]): TreeChange {
  let state: 'open' | 'committed' | 'rolled back' = 'open';
  const settle = (next: typeof state) => {
    if (state !== 'open') throw new Error(`internal: the tree change was already ${state}`);
    state = next;
  };
  return {
    writes,
    rollback: async () => {
      settle('rolled back');
      return undo(treeDir, journal);
    },
    commit: () => settle('committed'),
  };
}

/** Write (or delete) one file, its journal entry in place before anything is touched. */
async function writeOne(treeDir: string, write: FileWrite, original: Original | undefined, journal: Entry[]): Promise<void> {
  const target = inside(treeDir, write.path);
  const after = write.after === undefined ? undefined : Buffer.from(write.after, 'utf8');
  const createdDir = after ? ((await mkdir(dirname(target), { recursive: true })) ?? undefined) : undefined;
  const entry: Entry = { path: write.path, target, original, after, createdDir, done: false };
  journal.push(entry);
  if (after) await writeAtomic(target, after, original ?? { mode: write.mode ?? 0o644 });
  else {
    await rm(target, { force: true });
    await removeEmptyDirs(treeDir, dirname(target), treeDir);
  }
  entry.done = true;
}

/** The tree's current bytes of a planned file, after checking they are what the plan was made from. */
async function readOriginal(treeDir: string, write: FileWrite): Promise<Original | undefined> {
  const target = inside(treeDir, write.path);
  const bytes = await readFile(target).catch(orIfMissing(undefined)); // a file the plan creates
  if (write.path !== RECORD_FILE && bytes?.toString('utf8') !== write.before) throw new StaleTreeError(write.path);
  if (bytes === undefined) return undefined;
  const st = await stat(target);
  return { bytes, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

async function writeAtomic(target: string, bytes: Buffer, like: { mode: number; uid?: number; gid?: number }): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.dockerd-extra-${process.pid}.tmp`);
  try {
    await writeFile(temp, bytes, { mode: like.mode });
    await chmod(temp, like.mode); // writeFile's mode is filtered by the umask
    if (like.uid !== undefined && like.gid !== undefined && process.getuid?.() === 0) await chown(temp, like.uid, like.gid);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined); // the temp may not exist yet; the first error is the one to report
    throw error;
  }
}

/** Undo in reverse order; returns one line per file that could not be put back. */
async function undo(treeDir: string, journal: readonly Entry[]): Promise<string[]> {
  const failures: string[] = [];
  for (const entry of [...journal].reverse()) {
    try {
      if (entry.done) {
        const now = await readFile(entry.target).catch(orIfMissing(undefined)); // a deletion we made, or one since
        if (!sameBytes(now, entry.after)) {
          failures.push(`${entry.path}: changed since it was written, left as it is`);
          continue;
        }
        if (entry.original) {
          await mkdir(dirname(entry.target), { recursive: true }); // a deletion may have removed its folder
          await writeAtomic(entry.target, entry.original.bytes, entry.original);
        } else await rm(entry.target, { force: true });
      }
      // Only folders this apply created, and only once empty.
      if (entry.createdDir) await removeEmptyDirs(treeDir, dirname(entry.target), dirname(entry.createdDir));
    } catch (error) {
      failures.push(`${entry.target}: ${describe(error)}`);
    }
  }
  return failures;
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}

/** rmdir `dir` and its parents while they are empty, stopping at `stop` (never removed) or the tree's root. */
async function removeEmptyDirs(treeDir: string, dir: string, stop: string): Promise<void> {
  while (dir !== stop && relative(treeDir, dir) && !relative(treeDir, dir).startsWith('..')) {
    try {
      await rmdir(dir);
    } catch (error) {
      // Not empty (or gone): normal, and the folders above it stay too. Anything else (EACCES) is reported.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return;
      throw error;
    }
    dir = dirname(dir);
  }
}

/** A tree path that cannot leave the tree (paths come from patch files, which are input). */
function inside(treeDir: string, path: string): string {
  const root = resolve(treeDir);
  const target = resolve(root, path);
  if (!target.startsWith(root + sep)) throw new PatchSetError(path, 'points outside the tree');
  return target;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message.replace(/^\w+: /, '')}` : String(e.message ?? error);
}
