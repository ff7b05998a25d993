/**
 * "Is the tree as committed?" — apart from what this project itself put there. A re-run over a
 * tree we patched must not be refused, so the applied record and the files it lists do not count,
 * as long as they hold what the record says.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../digest.ts';
import { changedFiles } from '../exec/git.ts';
import { RECORD_FILE } from '../patchset/record.ts';
import { DirtyTreeError } from './errors.ts';
import { orIfMissing } from '../errors.ts';

/** Changed paths that the applied patch set does not explain, sorted. */
export function dirtyFiles(changed: readonly string[], applied: Iterable<string>): string[] {
  const ours = new Set<string>([RECORD_FILE, ...applied]);
  return changed.filter((p) => !ours.has(p)).sort();
}

/**
 * The changed files that still hold exactly what the patch set wrote (the record keeps each one's
 * sha256): a local edit on top of a patched file is the user's change, not ours.
 */
export async function filesAsApplied(dir: string, changed: readonly string[], applied: Readonly<Record<string, string>>): Promise<string[]> {
  const ours: string[] = [];
  for (const path of changed) {
    const expected = applied[path];
    if (expected === undefined) continue;
    const now = await readFile(join(dir, path)).catch(orIfMissing(undefined)); // a deleted file is not as applied
    if (now && sha256(now) === expected) ours.push(path);
  }
  return ours;
}

/** Refuse a tree with changes of its own unless forced; returns the changes that were let through. */
export async function assertClean(dir: string, applied: Readonly<Record<string, string>>, force: boolean): Promise<string[]> {
  const changed = await changedFiles(dir);
  const dirty = dirtyFiles(changed, await filesAsApplied(dir, changed, applied));
  if (dirty.length && !force) throw new DirtyTreeError(dir, dirty);
  return dirty;
}
