/**
 * The StoreView over a real directory, read-only. Every path below the root is walked one component
 * at a time with lstat, so no symlink is followed and nothing leads out of the store (its IDs are
 * checked before they become names, so no `..` reaches here); the last component is opened with
 * O_NOFOLLOW | O_NONBLOCK (a FIFO cannot hang the reader) and checked on the opened descriptor
 * (fstat), whose bytes are the ones read. Node has no openat2, so a store changed between the walk
 * and the open could slip a symlink into a folder on the way: the engine, which opens with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, would refuse it at pull time. Files are opened O_RDONLY
 * and, where allowed, O_NOATIME: nothing here writes, not even an access time.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { assertCleanRelative, type DirResult, type ListResult, type ReadResult, type StoreView } from './view.ts';

type Walk = { ok: true; full: string; isDir: boolean; isFile: boolean } | { ok: false; problem: 'missing' | 'symlink' | 'file-type' | 'unreadable'; reason: string };

export function fsStoreView(root: string): StoreView {
  return {
    root,
    readFile: (rel, limit) => readFileBelow(root, rel, limit),
    checkDir: async (rel): Promise<DirResult> => {
      const w = await walk(root, rel);
      if (!w.ok) return w;
      return w.isDir ? { ok: true } : { ok: false, problem: 'file-type', reason: 'is not a directory' };
    },
    listDir: async (rel): Promise<ListResult> => {
      const w = await walk(root, rel);
      if (!w.ok) return w;
      if (!w.isDir) return { ok: false, problem: 'file-type', reason: 'is not a directory' };
      try {
        return { ok: true, names: (await readdir(w.full)).sort() };
      } catch (error) {
        return { ok: false, problem: 'unreadable', reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
      }
    },
    exists: async (rel) => {
      const w = await walk(root, rel);
      return w.ok || w.problem !== 'missing';
    },
  };
}

async function walk(root: string, rel: string): Promise<Walk> {
  assertCleanRelative(rel);
  const parts = rel.split('/');
  let full = root;
  for (const [i, part] of parts.entries()) {
    full = join(full, part);
    const last = i === parts.length - 1;
    let st;
    try {
      st = await lstat(full);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ok: false, problem: 'missing', reason: last ? 'does not exist' : `does not exist (${parts.slice(0, i + 1).join('/')} is missing)` };
      return { ok: false, problem: 'unreadable', reason: `cannot be read (${code ?? String(error)})` };
    }
    const at = parts.slice(0, i + 1).join('/');
    if (st.isSymbolicLink()) return { ok: false, problem: 'symlink', reason: last ? 'is a symlink; structural paths of the store must not be links' : `${at} is a symlink on the way; the engine follows none inside the store` };
    if (!last && !st.isDirectory()) return { ok: false, problem: 'file-type', reason: `${at} is ${kind(st)}, not a directory` };
    if (last) return { ok: true, full, isDir: st.isDirectory(), isFile: st.isFile() };
  }
  throw new Error('unreachable: a clean path has a last component');
}

function kind(st: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'an unknown kind of file';
}

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** O_NOATIME is refused (EPERM) on files the user does not own: then open without it. */
async function openReadOnly(full: string): Promise<FileHandle> {
  try {
    return await open(full, READ_FLAGS | (constants.O_NOATIME ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    return open(full, READ_FLAGS);
  }
}

async function readFileBelow(root: string, rel: string, limit: number): Promise<ReadResult> {
  const w = await walk(root, rel);
  if (!w.ok) return w;
  if (!w.isFile) return { ok: false, problem: 'file-type', reason: 'is not a regular file' };
  let handle: FileHandle;
  try {
    handle = await openReadOnly(w.full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { ok: false, problem: 'symlink', reason: 'became a symlink while read' };
    return { ok: false, problem: code === 'ENOENT' ? 'missing' : 'unreadable', reason: code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { ok: false, problem: 'file-type', reason: `is ${kind(st)}, not a regular file` };
    if (st.size > limit) return { ok: false, problem: 'too-large', reason: `${st.size} bytes, more than the ${limit} allowed` };
    const buffer = Buffer.alloc(Math.min(st.size, limit) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buffer.length) return { ok: false, problem: 'too-large', reason: `grew past the ${Math.min(st.size, limit)} bytes it had while read` };
    }
    return { ok: true, bytes: buffer.subarray(0, filled) };
  } catch (error) {
    return { ok: false, problem: 'unreadable', reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  } finally {
    await handle.close();
  }
}
