/**
 * The benchmark's two filesystems, each on its own loop device so its block counters belong to it:
 * the store (a stock-configured dockerd loads every generated image into it, then it is hashed
 * unmounted and mounted read-only) and the consumer daemon's data-root (whose sectors written are
 * the "local bytes written" figures).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltImage } from '../e2e/build-image.ts';
import { startPrivateDaemon, type E2eContext } from '../e2e/context.ts';
import { inspectImageId } from '../e2e/docker.ts';
import { attachLoop, detachLoop, makeExt4Image, mount, unmountAll } from '../e2e/mounts.ts';
import { READ_ONLY } from '../e2e/store.ts';
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
  const bytes = images.reduce((sum, i) => sum + i.layerSizes.reduce((a, b) => a + b, 0), 0);
  // docker load stages the archive inside the data-root before unpacking it: room for both.
  const fs = await loopFilesystem(ctx, 'store', Math.ceil((2 * bytes) / MIB) + 256);
  const daemon = await startPrivateDaemon(ctx, 'store-prep', {}, fs.mountPoint);
  for (const image of images) {
    await daemon.docker.call(['load', '-q', '-i', image.archive], { timeoutMs: 900_000, signal: ctx.signal });
    const id = await inspectImageId(daemon.docker, image.ref);
    if (id !== `sha256:${image.imageId}`) throw new Error(`the store's dockerd loaded ${image.ref} as ${id ?? 'nothing'}, not sha256:${image.imageId}`);
  }
  await daemon.release();
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
