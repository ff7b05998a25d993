/**
 * The FileReaders the planners take, for real trees: the planners stay pure and these do the I/O,
 * reading only the files the patch set names (never a walk of moby's tree, which has ~10k files).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../exec/git.ts';
import { TreeFileError } from './errors.ts';
import type { PatchSet } from './patch-set.ts';
import { touchedPaths } from './patch-set.ts';
import type { FileReader } from './plan.ts';

/** A file under `root`, or undefined when absent. Memoised: the planners ask more than once. */
export function treeReader(root: string): FileReader {
  const cache = new Map<string, string | undefined>();
  return (path) => {
    if (!cache.has(path)) cache.set(path, readOrUndefined(root, path));
    return cache.get(path);
  };
}

/** The full/<base>/ files of a patch set. */
export function fullReader(set: PatchSet): FileReader {
  return treeReader(set.fullDir);
}

/**
 * The base blobs (`git show <base>:<path>`) of every file the patch set touches, read up front so
 * that planFull stays synchronous and pure. A path absent at the base reads as undefined.
 */
export async function baseBlobReader(mobyDir: string, set: PatchSet, signal?: AbortSignal): Promise<FileReader> {
  const repo = git(mobyDir, signal);
  const blobs = new Map<string, string | undefined>();
  const paths = touchedPaths(set);
  // A checkout without the base tag has no base blob: planFull says which one it needed.
  const hasBase = (await repo.raw(['rev-parse', '--verify', '-q', `${set.base}^{tree}`])).trim() !== '';
  // Which paths the base has, asked once; any other failure of git propagates.
  const listed = hasBase && paths.length ? await repo.raw(['ls-tree', '-r', '-z', '--name-only', set.base, '--', ...paths]) : '';
  const atBase = new Set(listed.split('\0'));
  for (const path of paths) {
    blobs.set(path, atBase.has(path) ? (await repo.showBuffer([`${set.base}:${path}`])).toString('utf8') : undefined);
  }
  return (path) => blobs.get(path);
}

function readOrUndefined(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EISDIR') throw new TreeFileError(join(root, path), 'is a folder where moby has a file', `restore it (git -C ${root} checkout -- ${path}) or use a fresh checkout`);
    throw error;
  }
}
