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

/** The new files of a patch set: its own under full/<base>/, else those it carries (read at load). */
export function fullReader(set: PatchSet): FileReader {
  const own = treeReader(set.fullDir);
  const carried = set.carried;
  return carried ? (path) => carried.texts[path] ?? own(path) : own;
}

/**
 * The blobs at `rev` (`git show <rev>:<path>`) of the given paths, read up front so that the planners
 * stay synchronous and pure. A path absent at `rev` reads as undefined.
 */
export async function blobReader(mobyDir: string, rev: string, paths: readonly string[], signal?: AbortSignal): Promise<FileReader> {
  const repo = git(mobyDir, signal);
  const blobs = new Map<string, string | undefined>();
  // A repository without `rev` (no commit yet) has none of its blobs: every path reads as absent.
  const hasRev = (await repo.raw(['rev-parse', '--verify', '-q', `${rev}^{tree}`])).trim() !== '';
  // Which paths `rev` has, asked once (absent is normal: a new file); any other failure of git propagates.
  const listed = hasRev && paths.length ? await repo.raw(['ls-tree', '-r', '-z', '--name-only', rev, '--', ...paths]) : '';
  const atRev = new Set(listed.split('\0'));
  for (const path of paths) {
    blobs.set(path, atRev.has(path) ? (await repo.showBuffer([`${rev}:${path}`])).toString('utf8') : undefined);
  }
  return (path) => blobs.get(path);
}

/** HEAD's blobs of every file the patch set touches (the full strategy starts from them). */
export function headBlobReader(mobyDir: string, set: PatchSet, signal?: AbortSignal): Promise<FileReader> {
  return blobReader(mobyDir, 'HEAD', touchedPaths(set), signal);
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
