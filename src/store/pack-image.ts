/**
 * `store pack`'s I/O: the store's usage (a walk that counts as du does), the image written by the
 * format's tool to a temp file next to FILE, an ext4 image shrunk to its contents, then the temp
 * file renamed to FILE. FILE is never seen half written; on any failure the temp file is removed.
 */
import { randomBytes } from 'node:crypto';
import { lstat, opendir, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { MissingToolError } from '../errors.ts';
import { run } from '../exec/run.ts';
import { ext4SizeFrom, mkfsCall, PACK_TOOLS, tempImagePath, type PackFormat, type StoreUsage } from './pack.ts';

export interface PackIO {
  signal: AbortSignal;
  progress?: (line: string) => void;
}

/** Allocated bytes and entries under dir, each hardlinked inode counted once (du -s -B1, find | wc -l). */
export async function storeUsage(dir: string): Promise<StoreUsage> {
  const seen = new Set<string>();
  const usage: StoreUsage = { bytes: 0, entries: 0 };
  const add = async (path: string) => {
    const st = await lstat(path, { bigint: true });
    usage.entries++;
    const key = `${st.dev}:${st.ino}`;
    if (st.nlink > 1n && seen.has(key)) return;
    if (st.nlink > 1n) seen.add(key);
    usage.bytes += Number(st.blocks) * 512;
    if (st.isDirectory()) for await (const e of await opendir(path)) await add(join(path, e.name));
  };
  await add(dir);
  return usage;
}

/** Runs the format's tool into a fresh temp file next to `out`; returns that file's path. */
export async function writeImage(format: PackFormat, dir: string, out: string, usage: StoreUsage, io: PackIO): Promise<string> {
  const temp = tempImagePath(out, randomBytes(4).toString('hex'));
  try {
    const call = mkfsCall(format, dir, temp, usage);
    await tool(format, call.command, call.args, io, 60_000 + Math.ceil(usage.bytes / 2 ** 20) * 2000);
    if (format === 'ext4') await finishExt4(temp, io);
    return temp;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * mkfs.ext4 adds lost+found, which the store does not have: removed (debugfs), so the image holds
 * the store's tree and nothing else. resize2fs -M then moves the blocks down and the file is cut to
 * the filesystem's new end.
 */
async function finishExt4(image: string, io: PackIO): Promise<void> {
  await tool('ext4', 'debugfs', ['-w', '-R', 'rmdir lost+found', image], io, 60_000);
  io.progress?.('shrinking the ext4 image to its contents (resize2fs -M)');
  await tool('ext4', 'resize2fs', ['-M', image], io, 600_000);
  const { stdout } = await tool('ext4', 'dumpe2fs', ['-h', image], io, 60_000);
  const size = ext4SizeFrom(stdout);
  if (size === undefined) throw new Error(`internal: dumpe2fs -h ${image} did not print the block count and size`);
  await truncate(image, size);
}

async function tool(format: PackFormat, command: string, args: string[], io: PackIO, timeoutMs: number) {
  try {
    return await run(command, args, { cwd: '/', timeoutMs, signal: io.signal, onLine: io.progress });
  } catch (error) {
    if (error instanceof MissingToolError) throw new MissingToolError(command, `apt-get install ${PACK_TOOLS[format].apt} (store pack --format ${format} needs it)`);
    throw error;
  }
}

/** Moves the finished image to `out` in one rename (replacing a file there, which the caller allowed); its size. */
export async function moveIntoPlace(temp: string, out: string): Promise<number> {
  await rename(temp, out);
  return (await stat(out)).size;
}
