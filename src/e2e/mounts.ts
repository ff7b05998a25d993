/**
 * Loop-mounted ext4 images for the store: create, attach, mount, remount read-only, detach. Each
 * helper returns what its release needs, and the caller registers that release with a Teardown.
 */
import { readFile } from 'node:fs/promises';
import { run } from '../exec/run.ts';

export interface MountInfo {
  mountPoint: string;
  fsType: string;
  source: string;
  options: string[];
}

/** /proc/self/mountinfo lines: fields 5 and 6 are the mount point and options; after " - " come fs type and source. */
export function parseMountInfo(text: string): MountInfo[] {
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const [fsType, source] = right.split(' ');
    if (fields.length < 6 || !fsType) continue;
    mounts.push({ mountPoint: unescape(fields[4]!), fsType, source: unescape(source ?? ''), options: fields[5]!.split(',') });
  }
  return mounts;
}

/** The topmost mount at dir, if any. */
export async function mountAt(dir: string): Promise<MountInfo | undefined> {
  const mounts = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  return mounts.filter((m) => m.mountPoint === dir).at(-1);
}

const opts = (signal?: AbortSignal) => ({ cwd: '/', timeoutMs: 60_000, signal });

export async function makeExt4Image(path: string, sizeMiB: number, signal?: AbortSignal): Promise<void> {
  await run('truncate', ['-s', `${sizeMiB}M`, path], opts(signal));
  await run('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', path], opts(signal));
}

export async function attachLoop(image: string, signal?: AbortSignal): Promise<string> {
  return (await run('losetup', ['--find', '--show', image], opts(signal))).stdout.trim();
}

export async function detachLoop(device: string): Promise<void> {
  await run('losetup', ['-d', device], opts());
}

export async function mount(device: string, dir: string, options: readonly string[], signal?: AbortSignal): Promise<void> {
  await run('mount', ['-t', 'ext4', ...(options.length ? ['-o', options.join(',')] : []), device, dir], opts(signal));
}

/** Unmounts every mount stacked at dir (a daemon may have mounted the store over ours). */
export async function unmountAll(dir: string): Promise<void> {
  for (let i = 0; i < 5 && (await mountAt(dir)); i++) await run('umount', [dir], opts());
}
