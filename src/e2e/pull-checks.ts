/**
 * The checks around one `docker pull NAME:TAG-extra` against a daemon with extra-storage: it works,
 * it is fast, it writes a few KB per layer, the image keeps its ID under both tags, each layer gets a
 * fresh local cache-id whose diff lives in the store.
 */
import { join } from 'node:path';
import type { BuiltImage } from './build-image.ts';
import { errorText, type E2eContext } from './context.ts';
import { diffLocation, diskBytes, layerDir, readCacheId } from './data-root.ts';
import { inspectImageId, type DockerClient } from './docker.ts';

/** Far above what registration writes (KBs of metadata), far below any copy of the 64 MiB layer. */
export const MAX_BYTES_PER_LAYER = 256 * 1024;
/** The target is well under a second; the check allows for a loaded CI machine so it is not flaky. */
export const MAX_PULL_MS = 3000;

export interface PullTarget {
  docker: DockerClient;
  dataRoot: string;
  storeRoot: string;
  /** The store's data-root (where its layerdb is), which may differ from storeRoot for a copy. */
  label: string;
  /** The daemon's extra-storage verify mode, named in the pull-time figure. */
  verify?: 'content' | 'trusted';
}

export async function pullFromStore(ctx: E2eContext, target: PullTarget, image: BuiltImage): Promise<boolean> {
  const { docker, dataRoot, label } = target;
  const extraRef = `${image.ref}-extra`;
  const before = await diskBytes(dataRoot);
  const started = performance.now();
  try {
    await docker.call(['pull', extraRef], { timeoutMs: 120_000, signal: ctx.signal });
  } catch (error) {
    ctx.results.fail(`${label}: docker pull ${extraRef} is served from the store`, errorText(error));
    return false;
  }
  const ms = Math.round(performance.now() - started);
  const after = await diskBytes(dataRoot);
  ctx.results.pass(`${label}: docker pull ${extraRef} is served from the store`);
  ctx.results.figure(`${label}: pull time${target.verify ? ` (verify ${target.verify})` : ''}`, ms, 'ms');
  ctx.results.figure(`${label}: local bytes written by the pull (apparent)`, after.apparent - before.apparent, 'bytes');
  ctx.results.figure(`${label}: local bytes written by the pull (allocated blocks)`, after.allocated - before.allocated, 'bytes');
  ctx.results.check(`${label}: pull completes in under ${MAX_PULL_MS / 1000} s (target: well under 1 s; see the figure)`, ms < MAX_PULL_MS, `took ${ms} ms`);
  const written = after.apparent - before.apparent;
  ctx.results.check(`${label}: pull writes at most ${MAX_BYTES_PER_LAYER / 1024} KiB per layer locally (no layer data copied)`,
    written <= MAX_BYTES_PER_LAYER * image.chainIds.length, `${written} bytes for ${image.chainIds.length} layers`);

  const ids = await Promise.all([image.ref, extraRef].map((ref) => inspectImageId(docker, ref)));
  ctx.results.check(`${label}: image is tagged ${image.ref} and ${extraRef} with the store's image ID`,
    ids.every((id) => id === `sha256:${image.imageId}`), `got ${ids.map((id) => id ?? 'none').join(', ')}`);
  await checkLocalLayers(ctx, target, image);
  return true;
}

async function checkLocalLayers(ctx: E2eContext, target: PullTarget, image: BuiltImage): Promise<void> {
  const problems: string[] = [];
  for (const [index, chain] of image.chainIds.entries()) {
    const local = await readCacheId(target.dataRoot, chain);
    const stored = await readCacheId(target.storeRoot, chain);
    if (!local) {
      problems.push(`layer ${index + 1}: no local layerdb entry`);
      continue;
    }
    if (local === stored) problems.push(`layer ${index + 1}: local cache-id reuses the store's`);
    const where = await diffLocation(target.dataRoot, local);
    if (!where.startsWith(target.storeRoot) && !where.startsWith('mount of')) problems.push(`layer ${index + 1}: diff is ${where}, not in the store`);
    // A figure, not a check: a layer without local state was reported above; du failing is 0 bytes.
    const bytes = await diskBytes(layerDir(target.dataRoot, chain)).then((a) => a.apparent).catch(() => 0);
    const dir = await diskBytes(join(target.dataRoot, 'overlay2', local)).then((a) => a.apparent).catch(() => 0);
    ctx.results.figure(`${target.label}: local bytes for layer ${index + 1} (layerdb + overlay2 dir)`, bytes + dir, 'bytes');
  }
  ctx.results.check(`${target.label}: every layer has a fresh local cache-id whose diff is in the store`, problems.length === 0, problems.join('; '));
}
