/**
 * The only writer of the patch engine. A plan is written file by file, each through a temp file in
 * the same folder and a rename (so no file is ever seen half written), keeping modes and owners.
 * Every file is checked against the plan first; on any failure or on abort every file already
 * written is put back (created files and folders removed) before the error goes up. Last comes
 * `.dockerd-extra-applied.json`, so a tree that has the record has the whole patch set.
 */
import { chmod, chown, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { CancelledError, UserError } from '../errors.ts';
import { ApplyError, PatchSetError, StaleTreeError } from './errors.ts';
import { absentAsUndefined, formatRecord, RECORD_FILE, type AppliedRecord } from './record.ts';
import type { FileWrite, Plan } from './plan.ts';

export interface ApplyOptions {
  /** Called after each file is in place (progress display). */
  onWritten?: (path: string, done: number, total: number) => void;
}

type ApplyPlan = Extract<Plan, { kind: 'apply' }>;

interface Undo {
  target: string;
  /** Original bytes and mode, or undefined when the file was created. */
  original: { bytes: Buffer; mode: number; uid: number; gid: number } | undefined;
  createdDir: string | undefined;
  /** False while the write is under way: a failed write left the target as it was. */
  written: boolean;
}

export async function applyPlan(
  treeDir: string,
  plan: ApplyPlan,
  record: AppliedRecord,
  signal?: AbortSignal,
  options: ApplyOptions = {},
): Promise<void> {
  if (signal?.aborted) throw new CancelledError('applying the patch set');
  const recordWrite: FileWrite = { path: RECORD_FILE, before: undefined, after: formatRecord(record), source: 'full' };
  const writes = [...plan.writes, recordWrite];
  const journal: Undo[] = [];
  let current = '';
  try {
    const originals = await Promise.all(writes.map((w) => readOriginal(treeDir, w)));
    for (const [i, write] of writes.entries()) {
      current = write.path;
      if (signal?.aborted) throw new CancelledError('applying the patch set');
      const target = inside(treeDir, write.path);
      const original = originals[i];
      const createdDir = (await mkdir(dirname(target), { recursive: true })) ?? undefined;
      const undo: Undo = { target, original, createdDir, written: false };
      journal.push(undo);
      await writeAtomic(target, Buffer.from(write.after, 'utf8'), original ?? { mode: write.mode ?? 0o644 });
      undo.written = true;
      if (i < plan.writes.length) options.onWritten?.(write.path, i + 1, plan.writes.length);
    }
  } catch (error) {
    const failures = await rollback(journal);
    if (error instanceof UserError && failures.length === 0) throw error;
    const reason = error instanceof UserError ? error.message : describe(error);
    throw new ApplyError(current, reason, failures);
  }
}

/** The tree's current bytes of a planned file, after checking they are what the plan was made from. */
async function readOriginal(treeDir: string, write: FileWrite): Promise<Undo['original']> {
  const target = inside(treeDir, write.path);
  const bytes = await readFile(target).catch(absentAsUndefined);
  if (write.path !== RECORD_FILE) {
    const text = bytes?.toString('utf8');
    if (text !== write.before) throw new StaleTreeError(write.path);
  }
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
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Undo in reverse order; returns one line per file that could not be restored. */
async function rollback(journal: Undo[]): Promise<string[]> {
  const failures: string[] = [];
  for (const undo of [...journal].reverse()) {
    try {
      if (undo.written && undo.original) await writeAtomic(undo.target, undo.original.bytes, undo.original);
      else if (undo.written) await rm(undo.target, { force: true });
      // Only folders this run created, and only after the files in them are gone.
      if (undo.createdDir) await rm(undo.createdDir, { recursive: true, force: true });
    } catch (error) {
      failures.push(`${undo.target}: ${describe(error)}`);
    }
  }
  return failures;
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
