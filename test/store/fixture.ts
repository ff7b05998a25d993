/**
 * Hand-made stores for the store suites: the overlay2 data-root layout a stock dockerd writes
 * (repositories.json, imagedb, layerdb by chain ID, overlay2/<cache-id>/diff) with real digests,
 * built in a temp folder. Layer content is not a real tar (only --deep reads it).
 */
import { gzipSync } from 'node:zlib';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../src/digest.ts';
import { chainIds } from '../../src/store/chain.ts';
import { tempDir, writeFiles } from '../helpers.ts';

export interface FixtureImage {
  /** repositories.json keys (busybox:latest). */
  tags: string[];
  /** Layer seeds, base first: equal seeds are the same layer. */
  layers: string[];
}

export interface Fixture {
  root: string;
  imageIds: string[];
  chains: string[][];
  diffId: (seed: string) => string;
  cacheId: (seed: string) => string;
}

export const diffIdOf = (seed: string) => `sha256:${sha256(`diff ${seed}`)}`;
export const cacheIdOf = (seed: string) => sha256(`cache ${seed}`);

export function tarSplit(lines: readonly object[]): Buffer {
  return gzipSync(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

export function imageConfig(diffIds: readonly string[]): string {
  return JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } });
}

export async function makeStore(images: readonly FixtureImage[]): Promise<Fixture> {
  const root = await tempDir('dockerd-extra-store-');
  const repos: Record<string, Record<string, string>> = {};
  const files: Record<string, string | Buffer> = {};
  const imageIds: string[] = [];
  const chains: string[][] = [];
  for (const img of images) {
    const diffIds = img.layers.map(diffIdOf);
    const config = imageConfig(diffIds);
    const id = `sha256:${sha256(config)}`;
    imageIds.push(id);
    files[`image/overlay2/imagedb/content/sha256/${id.slice(7)}`] = config;
    for (const tag of img.tags) (repos[tag.split(':')[0]!] ??= {})[tag] = id;
    const ids = chainIds(diffIds);
    chains.push(ids);
    for (const [i, chain] of ids.entries()) {
      const seed = img.layers[i]!;
      const dir = `image/overlay2/layerdb/sha256/${chain.slice(7)}`;
      files[`${dir}/cache-id`] = cacheIdOf(seed);
      files[`${dir}/diff`] = diffIds[i]!;
      files[`${dir}/size`] = String(1000 * (i + 1));
      if (i > 0) files[`${dir}/parent`] = ids[i - 1]!;
      files[`${dir}/tar-split.json.gz`] = tarSplit([{ type: 2, payload: 'aGVhZGVy', position: 0 }, { type: 1, name: `etc/${seed}`, size: 5, position: 1 }]);
      files[`overlay2/${cacheIdOf(seed)}/diff/etc/${seed}`] = 'hello';
    }
  }
  files['image/overlay2/repositories.json'] = JSON.stringify({ Repositories: repos });
  await mkdir(join(root, 'image/overlay2'), { recursive: true });
  await writeFiles(root, files);
  return { root, imageIds, chains, diffId: diffIdOf, cacheId: cacheIdOf };
}
