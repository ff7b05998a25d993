/**
 * An image config from the store's imagedb as the engine reads it (extrastorage/resolve.go
 * readImageConfig, image.NewFromJSON, ValidateDiffIDs): at most MAX_IMAGE_CONFIG bytes, hashing to
 * its name, a JSON object with a rootfs, 1 to MAX_LAYERS diffIDs, each sha256. (The engine also
 * decodes every other field into its Go type; only the fields a pull uses are checked here.)
 */
import { sha256 } from '../digest.ts';
import { finding, type StoreFinding } from './finding.ts';
import { imageConfigPath, MAX_IMAGE_CONFIG, MAX_LAYERS, SHA256_DIGEST } from './limits.ts';
import type { StoreView } from './view.ts';

export type ImageConfig = { ok: true; diffIds: string[]; platform: string | undefined } | { ok: false; findings: StoreFinding[] };

export async function readImageConfig(view: StoreView, imageId: string): Promise<ImageConfig> {
  const rel = imageConfigPath(imageId);
  const read = await view.readFile(rel, MAX_IMAGE_CONFIG);
  if (!read.ok) return { ok: false, findings: [finding(rel, read.problem, read.reason)] };
  const got = `sha256:${sha256(read.bytes)}`;
  if (got !== imageId) return { ok: false, findings: [finding(rel, 'config-digest', `content digest is ${got}, not ${imageId}`)] };
  const diffIds = parseDiffIds(read.bytes);
  if (typeof diffIds === 'string') return { ok: false, findings: [finding(rel, 'config', diffIds)] };
  return { ok: true, diffIds, platform: platformOf(read.bytes) };
}

/**
 * os/architecture[/variant] of a config parseDiffIds accepted (the engine's OperatingSystem() is
 * the host's when os is empty, linux here); undefined without an architecture. A -extra pull of an
 * image for another platform needs `--platform` (daemon/images/image_pull_extra_platform.go).
 */
export function platformOf(bytes: Uint8Array): string | undefined {
  const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  const field = (k: string) => (typeof doc[k] === 'string' && /^[\w.-]+$/.test(doc[k]) ? doc[k] : '');
  const arch = field('architecture');
  if (!arch) return undefined;
  return [field('os') || 'linux', arch, field('variant')].filter(Boolean).join('/');
}

/** rootfs.diff_ids, or why the engine refuses the config. */
export function parseDiffIds(bytes: Uint8Array): string[] | string {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return `not an image config: ${(error as Error).message}`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'not an image config: not a JSON object';
  const rootfs = (doc as Record<string, unknown>).rootfs;
  if (rootfs === undefined || rootfs === null) return 'image config has no rootfs';
  if (typeof rootfs !== 'object' || Array.isArray(rootfs)) return 'not an image config: rootfs is not an object';
  const ids = (rootfs as Record<string, unknown>).diff_ids ?? [];
  if (!Array.isArray(ids) || ids.some((d) => typeof d !== 'string')) return 'not an image config: rootfs.diff_ids is not a list of strings';
  if (ids.length === 0) return 'image config has no layers';
  if (ids.length > MAX_LAYERS) return `image config has ${ids.length} layers, more than the ${MAX_LAYERS} a chain may have`;
  const bad = ids.findIndex((d) => !SHA256_DIGEST.test(d as string));
  if (bad !== -1) return `diffID ${bad} ${JSON.stringify(ids[bad])} is not a sha256 digest`;
  return ids as string[];
}
