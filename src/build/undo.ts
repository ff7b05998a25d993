/**
 * Takes back what this run applied when the build after it fails or is cancelled, so a failed
 * build-dockerd leaves the tree as it found it. Only files that still hold what we wrote are
 * touched: anything changed since is left alone and reported.
 */
import { readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { RECORD_FILE } from '../patchset/record.ts';
import type { FileWrite } from '../patchset/plan.ts';

/** Returns one line per file that could not be put back. */
export async function undoApply(treeDir: string, writes: readonly FileWrite[], priorRecord: string | undefined): Promise<string[]> {
  const problems: string[] = [];
  for (const write of [...writes].reverse()) {
    const target = join(treeDir, write.path);
    const now = await readFile(target, 'utf8').catch(() => undefined);
    if (now !== write.after) {
      problems.push(`${write.path}: changed since it was written, left as it is`);
      continue;
    }
    if (write.before === undefined) {
      await rm(target, { force: true });
      await removeEmptyParents(treeDir, dirname(target));
    } else {
      await writeFile(target, write.before); // an existing file keeps its mode and owner
    }
  }
  const record = join(treeDir, RECORD_FILE);
  if (priorRecord === undefined) await rm(record, { force: true });
  else await writeFile(record, priorRecord);
  return problems;
}

/** Folders the apply created for new files, once empty again; stops at the first non-empty one. */
export async function removeEmptyParents(treeDir: string, dir: string): Promise<void> {
  while (relative(treeDir, dir) && !relative(treeDir, dir).startsWith('..')) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}
