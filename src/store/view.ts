/**
 * The store as `check` and `ls` see it: a read-only tree addressed by clean relative paths, where
 * nothing may be a symlink and every read has a size cap. The rules (read.ts) are written against
 * this interface; fs-view.ts is the one implementation that touches the disk.
 */

/** Why a path could not be used: each is a finding of its own kind. */
export type ReadProblem = 'missing' | 'symlink' | 'file-type' | 'too-large' | 'unreadable';

export type ReadResult = { ok: true; bytes: Buffer } | { ok: false; problem: ReadProblem; reason: string };
export type DirResult = { ok: true } | { ok: false; problem: ReadProblem; reason: string };
export type ListResult = { ok: true; names: string[] } | { ok: false; problem: ReadProblem; reason: string };

export interface StoreView {
  /** The store's path as given, for messages. */
  readonly root: string;
  /** A regular file of at most `limit` bytes, reached without following any symlink. */
  readFile(rel: string, limit: number): Promise<ReadResult>;
  /** A directory reached without following any symlink. */
  checkDir(rel: string): Promise<DirResult>;
  /** The names in a directory reached without following any symlink, sorted. */
  listDir(rel: string): Promise<ListResult>;
  /** Whether anything (a symlink included) is at rel. */
  exists(rel: string): Promise<boolean>;
}

/** Paths built from validated IDs are clean; anything else is a bug in the caller. */
export function assertCleanRelative(rel: string): void {
  const parts = rel.split('/');
  if (rel === '' || rel.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`store path ${JSON.stringify(rel)} is not a clean relative path`);
  }
}
