/**
 * Making the staging copy (see staging.ts for why the parts are shared or copied): a reflink copy
 * when the filesystem can clone (probed on one small file first, since cp would otherwise try and
 * fail file by file), else `cp -al` and then every regular file that is not layer content gets its
 * own inode again (copied beside itself with its owner, mode and times, and renamed over the link).
 */
import { chmod, chown, copyFile, lstat, readdir, rename, rm, rmdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { run } from '../exec/run.ts';
import { isLayerContent } from './staging.ts';

export type StagingKind = 'new' | 'reflink' | 'hardlink';

export interface StagedCopy {
  kind: StagingKind;
  /** Regular files given their own copy in a hardlink farm (0 otherwise). */
  copiedFiles: number;
}

const cpOptions = (signal: AbortSignal) => ({ cwd: '/', signal, timeoutMs: 3_600_000, tailLines: 5 });

/** Copies the store at `store` (or makes an empty one when `store` is absent) to `staging`. */
/** `staging` is an empty directory that reserves the name; it is filled (or replaced by the copy). */
export async function makeStagingCopy(store: string | undefined, staging: string, signal: AbortSignal): Promise<StagedCopy> {
  if (store === undefined) {
    await chmod(staging, 0o711);
    return { kind: 'new', copiedFiles: 0 };
  }
  await rmdir(staging);
  if (await canReflink(dirname(staging), signal)) {
    await run('cp', ['-a', '--reflink=always', store, staging], cpOptions(signal));
    return { kind: 'reflink', copiedFiles: 0 };
  }
  await run('cp', ['-a', '--link', store, staging], cpOptions(signal));
  return { kind: 'hardlink', copiedFiles: await unshareMutable(staging, staging, signal) };
}

async function canReflink(dir: string, signal: AbortSignal): Promise<boolean> {
  const probe = join(dir, `.reflink-probe-${process.pid}`);
  await writeFile(probe, 'probe');
  try {
    const r = await run('cp', ['--reflink=always', probe, `${probe}.copy`], { ...cpOptions(signal), reject: false });
    return r.exitCode === 0;
  } finally {
    await rm(probe, { force: true });
    await rm(`${probe}.copy`, { force: true });
  }
}

/** Gives each regular file outside layer content an inode of its own; returns how many. */
async function unshareMutable(root: string, dir: string, signal: AbortSignal): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    signal.throwIfAborted();
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (isLayerContent(rel)) continue;
    if (entry.isDirectory()) count += await unshareMutable(root, path, signal);
    else if (entry.isFile()) {
      await unshare(path);
      count++;
    }
  }
  return count;
}

async function unshare(path: string): Promise<void> {
  const st = await lstat(path);
  const tmp = `${path}.unshare-${process.pid}`;
  await copyFile(path, tmp);
  await chown(tmp, st.uid, st.gid);
  await chmod(tmp, st.mode & 0o7777);
  await utimes(tmp, st.atime, st.mtime);
  await rename(tmp, path);
}
