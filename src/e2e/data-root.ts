/** Reading a dockerd data-root from outside: layerdb entries, cache-ids, and disk usage. */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { mountAt } from './mounts.ts';
import { orIfMissing } from '../errors.ts';

export const layerDir = (root: string, chain: string) => join(root, 'image/overlay2/layerdb/sha256', chain);

export async function readCacheId(root: string, chain: string): Promise<string | undefined> {
  const text = await readFile(join(layerDir(root, chain), 'cache-id'), 'utf8').catch(orIfMissing(undefined)); // no such layer here
  return text?.trim();
}

/** The chainIDs the layer store holds (the directories of layerdb/sha256). */
export async function layerChains(root: string): Promise<string[]> {
  // A data-root that holds no layer yet has no layerdb.
  return (await readdir(join(root, 'image/overlay2/layerdb/sha256')).catch(orIfMissing([] as string[]))).filter((n) => /^[0-9a-f]{64}$/.test(n));
}

/** Bytes under dir on its own filesystem only, so a store reached through a link or mount is not counted. */
export async function diskBytes(dir: string): Promise<{ apparent: number; allocated: number }> {
  const apparent = await run('du', ['-sxb', dir], { cwd: '/', timeoutMs: 60_000 });
  const allocated = await run('du', ['-sx', '--block-size=1', dir], { cwd: '/', timeoutMs: 60_000 });
  const first = (text: string) => Number(text.split(/\s+/)[0]);
  return { apparent: first(apparent.stdout), allocated: first(allocated.stdout) };
}

/** Where a local layer's diff really lives: resolved symlinks, or the mount over it. */
export async function diffLocation(root: string, cacheId: string): Promise<string> {
  const diff = join(root, 'overlay2', cacheId, 'diff');
  const mounted = await mountAt(diff);
  if (mounted) return `mount of ${mounted.source}`;
  return realpath(diff).catch(orIfMissing(diff)); // a missing diff is shown as its path; the caller reports it
}
