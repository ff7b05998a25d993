/**
 * The store read with the engine's rules, every image and every layer of layerdb (untagged.ts):
 * what `store check` reports (the findings) and `store ls` shows (the images, their tags and
 * layers). Pure over a StoreView.
 */
import { chainIds } from './chain.ts';
import { finding, type StoreFinding } from './finding.ts';
import { readImageConfig } from './image-config.ts';
import { readLayer, type StoreLayer } from './layer.ts';
import { layerDir, MAX_IMAGE_TAR_SPLIT, MAX_REPOSITORIES_JSON, REPOSITORIES_JSON, SHA256_DIGEST } from './limits.ts';
import { parseRepositories, type StoreTag } from './repositories.ts';
import { readUntaggedLayers } from './untagged.ts';
import type { StoreView } from './view.ts';

export interface StoreImage {
  id: string;
  tags: StoreTag[];
  /** NAME@sha256:… keys naming it. */
  digestKeys: string[];
  diffIds: string[];
  chainIds: string[];
  /** os/architecture[/variant] from its config. */
  platform: string | undefined;
  /** Whether a pull of it would pass the engine's structural checks. */
  ok: boolean;
}

export interface StoreContents {
  root: string;
  images: StoreImage[];
  /** Every layer of layerdb by chain ID: those images use in first-use order, then the others. */
  layers: Map<string, StoreLayer>;
  findings: StoreFinding[];
  /** Whether repositories.json could be read and parsed: without it nothing can be listed. */
  readable: boolean;
}

export async function readStore(view: StoreView): Promise<StoreContents> {
  const out: StoreContents = { root: view.root, images: [], layers: new Map(), findings: [], readable: false };
  const read = await view.readFile(REPOSITORIES_JSON, MAX_REPOSITORIES_JSON);
  if (!read.ok) {
    const hint = read.problem === 'missing' ? '; is this a dockerd data-root (one that ran with --storage-driver overlay2)?' : '';
    out.findings.push(finding(REPOSITORIES_JSON, read.problem, read.reason + hint));
    return out;
  }
  const repos = parseRepositories(read.bytes);
  out.findings.push(...repos.findings);
  out.readable = !repos.findings.some((f) => f.rule === 'repositories-json');
  const byId = new Map<string, StoreImage>();
  const image = (id: string) => byId.get(id) ?? byId.set(id, { id, tags: [], digestKeys: [], diffIds: [], chainIds: [], platform: undefined, ok: false }).get(id)!;
  for (const tag of repos.tags) image(tag.imageId).tags.push(tag);
  for (const d of repos.digestKeys) if (SHA256_DIGEST.test(d.imageId)) image(d.imageId).digestKeys.push(d.key);
  for (const img of byId.values()) {
    out.findings.push(...(await readImage(view, img, out.layers)));
    out.images.push(img);
  }
  const untagged = await readUntaggedLayers(view, out.layers);
  out.findings.push(...untagged.findings);
  for (const layer of untagged.layers) out.layers.set(layer.chainId, layer);
  for (const layer of out.layers.values()) out.findings.push(...layer.findings);
  return out;
}

/** Config and layers of one image; layers shared with an image read before are read once. */
async function readImage(view: StoreView, img: StoreImage, layers: Map<string, StoreLayer>): Promise<StoreFinding[]> {
  const config = await readImageConfig(view, img.id);
  if (!config.ok) return config.findings;
  img.diffIds = config.diffIds;
  img.platform = config.platform;
  img.chainIds = chainIds(config.diffIds);
  let tarSplitBytes = 0;
  const findings: StoreFinding[] = [];
  for (const [i, chainId] of img.chainIds.entries()) {
    let layer = layers.get(chainId);
    if (!layer) {
      layer = await readLayer(view, chainId, img.chainIds[i - 1], config.diffIds[i]!);
      layers.set(chainId, layer);
    }
    tarSplitBytes += layer.tarSplitBytes;
    if (tarSplitBytes > MAX_IMAGE_TAR_SPLIT && findings.length === 0) {
      findings.push(finding(`${layerDir(chainId)}/tar-split.json.gz`, 'tar-split-total', `the tar-splits of ${img.id} add up to more than the ${MAX_IMAGE_TAR_SPLIT} bytes allowed`));
    }
  }
  img.ok = findings.length === 0 && img.chainIds.every((c) => layers.get(c)!.ok);
  return findings;
}
