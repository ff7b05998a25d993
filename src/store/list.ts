/**
 * `store ls`: what the store offers, from readStore's contents. Each image with its tags and the
 * names that pull them, its size (the layers' `size` files) and how much of it other images share;
 * each layer with the images using it. Pure.
 */
import type { StoreContents } from './read.ts';

export interface ListedLayer {
  chainId: string;
  diffId: string;
  size: number | undefined;
  /** IDs of the images using it (more than one: shared). */
  images: string[];
}

export interface ListedImage {
  id: string;
  tags: { name: string; pullName: string | undefined }[];
  digestKeys: string[];
  layers: string[];
  platform: string | undefined;
  /** Sum of its layers' sizes; undefined when some size is unknown. */
  size: number | undefined;
  /** The part of size in layers other images use too. */
  sharedSize: number;
  /** Whether the engine's structural checks pass (`store check` says why not). */
  ok: boolean;
}

export interface StoreListing {
  root: string;
  images: ListedImage[];
  layers: ListedLayer[];
  /** Sum over distinct layers: what the store holds. */
  totalSize: number;
  /** Sum over images: what they would take unshared. */
  imagesSize: number;
}

export function listStore(contents: StoreContents): StoreListing {
  const users = new Map<string, string[]>();
  for (const img of contents.images) for (const c of new Set(img.chainIds)) users.set(c, [...(users.get(c) ?? []), img.id]);
  const layers: ListedLayer[] = [...contents.layers.values()].map((l) => ({ chainId: l.chainId, diffId: l.diffId, size: l.size, images: users.get(l.chainId) ?? [] }));
  const sizeOf = (c: string) => contents.layers.get(c)?.size;
  const images = contents.images.map((img): ListedImage => {
    const sizes = img.chainIds.map(sizeOf);
    return {
      id: img.id,
      tags: img.tags.map((t) => ({ name: t.key, pullName: t.pullName })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      digestKeys: img.digestKeys,
      layers: img.chainIds,
      platform: img.platform,
      size: sizes.every((s) => s !== undefined) ? sizes.reduce((a, b) => a + b, 0) : undefined,
      sharedSize: img.chainIds.filter((c) => (users.get(c)?.length ?? 0) > 1).reduce((a, c) => a + (sizeOf(c) ?? 0), 0),
      ok: img.ok,
    };
  });
  return {
    root: contents.root,
    images,
    layers,
    totalSize: layers.reduce((a, l) => a + (l.size ?? 0), 0),
    imagesSize: images.reduce((a, i) => a + (i.size ?? 0), 0),
  };
}
