/**
 * A checksum of a whole folder tree: names, types, modes, owners, sizes, mtimes, device numbers,
 * symlink targets and file contents. Two scans are equal only when nothing observable changed, which
 * is how the e2e proves the store was never written. (Extended attributes are not read from Node;
 * the e2e also hashes the store's block device, which covers them.)
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../digest.ts';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface TreeEntry {
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  rdev: number;
  /** sha256 of a regular file's content, or the target of a symlink. */
  content: string;
}

/** One canonical line per entry; the line format is the checksum's definition. */
export function entryLine(e: TreeEntry): string {
  return [e.type, e.mode.toString(8), e.uid, e.gid, e.type === 'dir' ? 0 : e.size, Math.floor(e.mtimeMs), e.rdev, e.content, e.path].join(' ');
}

export function digestEntries(entries: readonly TreeEntry[]): string {
  const hash = createHash('sha256');
  for (const line of entries.map(entryLine).sort()) hash.update(`${line}\n`);
  return hash.digest('hex');
}

/** The first few differences between two scans, for a failure message a person can act on. */
export function diffEntries(before: readonly TreeEntry[], after: readonly TreeEntry[], limit = 5): string[] {
  const a = new Map(before.map((e) => [e.path, entryLine(e)]));
  const b = new Map(after.map((e) => [e.path, entryLine(e)]));
  const out: string[] = [];
  for (const [path, line] of a) {
    if (!b.has(path)) out.push(`removed ${path}`);
    else if (b.get(path) !== line) out.push(`changed ${path}`);
  }
  for (const path of b.keys()) if (!a.has(path)) out.push(`added ${path}`);
  return out.slice(0, limit);
}

export async function scanTree(root: string, relative = ''): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const names = (await readdir(join(root, relative))).sort();
  for (const name of names) {
    const path = relative ? `${relative}/${name}` : name;
    const full = join(root, path);
    const st = await lstat(full);
    const type: EntryType = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
    const content = type === 'file' ? await sha256File(full) : type === 'symlink' ? await readlink(full) : '';
    entries.push({ path, type, mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, mtimeMs: st.mtimeMs, rdev: st.rdev, content });
    if (type === 'dir') entries.push(...(await scanTree(root, path)));
  }
  return entries;
}
