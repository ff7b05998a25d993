/**
 * A tree that carries an earlier applied patch set (an older release, or a set under development)
 * conflicts with the current one. Its record says which content each file it wrote holds; when
 * every one still holds exactly that, those files can be taken back to HEAD's content and the
 * current set planned and applied on top, so a re-run after updating this project just works. The
 * bytes taken back are kept, so any failure after that can put the tree back as it was.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { git } from '../exec/git.ts';
import { RECORD_FILE, type AppliedRecord } from '../patchset/record.ts';
import { sha256 } from '../digest.ts';
import type { FileReader } from '../patchset/plan.ts';
import { removeEmptyParents } from './undo.ts';

export interface PriorSet {
  record: AppliedRecord;
  recordText: string;
  /** Each recorded path: its bytes now (as recorded) and at HEAD (undefined: not in HEAD). */
  files: Map<string, { now: Buffer; head: Buffer | undefined }>;
}

/** The prior set, or undefined when some recorded file changed since (then it is not ours to undo). */
export async function readPrior(treeDir: string, record: AppliedRecord): Promise<PriorSet | undefined> {
  const recordText = await readFile(join(treeDir, RECORD_FILE), 'utf8').catch(() => undefined);
  if (recordText === undefined) return undefined;
  const repo = git(treeDir);
  const files: PriorSet['files'] = new Map();
  for (const [path, sum] of Object.entries(record.files)) {
    const now = await readFile(join(treeDir, path)).catch(() => undefined);
    if (!now || sha256(now) !== sum) return undefined;
    const head = await repo.showBuffer([`HEAD:${path}`]).catch(() => undefined);
    files.set(path, { now, head });
  }
  return { record, recordText, files };
}

/** Pure: the tree as it will read once the prior set is taken back. */
export function baseView(prior: PriorSet, read: FileReader): FileReader {
  return (path) => {
    if (path === RECORD_FILE) return undefined;
    const entry = prior.files.get(path);
    return entry ? entry.head?.toString('utf8') : read(path);
  };
}

export async function takeBack(treeDir: string, prior: PriorSet): Promise<void> {
  for (const [path, { head }] of prior.files) {
    const target = join(treeDir, path);
    if (head) await writeFile(target, head);
    else {
      await rm(target, { force: true });
      await removeEmptyParents(treeDir, dirname(target));
    }
  }
  await rm(join(treeDir, RECORD_FILE), { force: true });
}

/** Undo takeBack (after a later failure): every recorded file and the record as they were. */
export async function putBack(treeDir: string, prior: PriorSet): Promise<void> {
  for (const [path, { now }] of prior.files) {
    const target = join(treeDir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, now);
  }
  await writeFile(join(treeDir, RECORD_FILE), prior.recordText);
}
