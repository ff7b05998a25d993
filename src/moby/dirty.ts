/**
 * "Is the tree as committed?" — apart from what this project itself put there. A re-run over a
 * tree we patched must not be refused, so the applied record and the files it lists do not count,
 * as long as they hold what the record says.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../exec/git.ts';
import { DirtyTreeError } from './errors.ts';
import { orIfMissing } from '../errors.ts';

/** Written at the tree's root by src/patchset/apply.ts. */
export const APPLIED_RECORD_FILE = '.dockerd-extra-applied.json';

/** Parse `git status --porcelain=v1 -z`: "XY path\0", renames carry a second "old path\0". */
export function parsePorcelainZ(text: string): string[] {
  const fields = text.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++; // skip the source path of a rename or copy
  }
  return paths;
}

export async function changedFiles(dir: string): Promise<string[]> {
  const out = await git(dir).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  return parsePorcelainZ(out);
}

/** Changed paths that the applied patch set does not explain, sorted. */
export function dirtyFiles(changed: readonly string[], applied: Iterable<string>): string[] {
  const ours = new Set<string>([APPLIED_RECORD_FILE, ...applied]);
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
    if (now && createHash('sha256').update(now).digest('hex') === expected) ours.push(path);
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
