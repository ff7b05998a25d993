/**
 * "Is the tree as committed?" — apart from what this project itself put there. A re-run over a
 * tree we patched must not be refused, so the applied record and the files it lists do not count.
 */
import { git } from '../exec/git.ts';
import { DirtyTreeError } from './errors.ts';

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

/** Refuse a tree with changes of its own unless forced; returns the changes that were let through. */
export async function assertClean(dir: string, applied: Iterable<string>, force: boolean): Promise<string[]> {
  const dirty = dirtyFiles(await changedFiles(dir), applied);
  if (dirty.length && !force) throw new DirtyTreeError(dir, dirty);
  return dirty;
}
