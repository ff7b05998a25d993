/**
 * The benchmark's two filesystems, each on its own loop device so its block counters belong to it:
 * the store (`store add` puts every generated image into a store, which is copied onto the
 * filesystem, then it is hashed unmounted and mounted read-only) and the consumer daemon's
 * data-root (whose sectors written are the "local bytes written" figures).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltImage } from '../e2e/build-image.ts';
import type { E2eContext } from '../e2e/context.ts';
import { attachLoop, detachLoop, makeExt4Image, mount, unmountAll } from '../e2e/mounts.ts';
import { buildStore, copyTree, READ_ONLY } from '../e2e/store.ts';
import { sha256File } from '../digest.ts';

export interface LoopFilesystem {
  imageFile: string;
  device: string;
  mountPoint: string;
}

export interface BenchStore extends LoopFilesystem {
  /** sha256 of the filesystem image, unmounted, after preparation. */
  blockDigest: string;
}

const MIB = 1024 ** 2;

/** An ext4 image of sizeMiB, attached and mounted at work/name, released by the teardown. */
export async function loopFilesystem(ctx: E2eContext, name: string, sizeMiB: number, options: readonly string[] = []): Promise<LoopFilesystem> {
  const imageFile = join(ctx.work, `${name}.img`);
  const mountPoint = join(ctx.work, name);
  await mkdir(mountPoint, { recursive: true });
  await makeExt4Image(imageFile, sizeMiB, ctx.signal);
  const device = await attachLoop(imageFile, ctx.signal);
  ctx.teardown.defer(`losetup -d ${device}`, () => detachLoop(device));
  await mount(device, mountPoint, options, ctx.signal);
  ctx.teardown.defer(`umount ${mountPoint}`, () => unmountAll(mountPoint));
  return { imageFile, device, mountPoint };
}

export async function prepareBenchStore(ctx: E2eContext, images: readonly BuiltImage[]): Promise<BenchStore> {
  const built = await buildStore(ctx, join(ctx.work, 'store-src'), images.map((i) => ({ kind: 'archive', path: i.archive })));
  const ids = new Set(built.summary.images.added);
  const missing = images.filter((i) => !ids.has(`sha256:${i.imageId}`));
  if (missing.length) throw new Error(`store add did not put ${missing.map((i) => `${i.ref} (sha256:${i.imageId})`).join(', ')} into the store`);
  // The unpacked layers with their metadata, and room to spare.
  const fs = await loopFilesystem(ctx, 'store', Math.ceil((1.2 * built.summary.bytes.store) / MIB) + 256);
  await copyTree(built.dir, fs.mountPoint, ctx.signal);
  await rm(built.dir, { recursive: true, force: true });
  await unmountAll(fs.mountPoint);
  const blockDigest = await sha256File(fs.imageFile);
  await mount(fs.device, fs.mountPoint, READ_ONLY, ctx.signal);
  return { ...fs, blockDigest };
}

/** Unmount and mount again read-only: the store's cached pages and dentries are gone, as on a fresh host. */
export async function remountStore(store: LoopFilesystem): Promise<void> {
  await unmountAll(store.mountPoint);
  await mount(store.device, store.mountPoint, READ_ONLY);
}
