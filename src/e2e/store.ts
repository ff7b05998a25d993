/**
 * Prepares the extra storage the way a user would: a stock-configured dockerd loads the test image
 * and runs it (the baseline), then `store add --from-daemon` (src/store/add.ts) puts it into a store
 * under both its tag and latest, the store is copied onto a fresh ext4 filesystem (cp -a: whiteouts,
 * opaque xattrs, owners, hardlinks), and the filesystem is remounted read-only and fingerprinted
 * twice (the whole tree, and the raw image file underneath it).
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { addImages, type EditSummary } from '../store/add.ts';
import type { ImageSource } from '../store/sources.ts';
import type { BuiltImage } from './build-image.ts';
import { checkScript, describeExpectation, parseCheckOutput } from './container-checks.ts';
import { errorText, startPrivateDaemon, type E2eContext } from './context.ts';
import { inspectImageId } from './docker.ts';
import type { ImageSpec } from './image-spec.ts';
import { attachLoop, detachLoop, makeExt4Image, mount, unmountAll } from './mounts.ts';
import { checkSave } from './save-check.ts';
import { sha256File } from '../digest.ts';
import { digestEntries, scanTree, type TreeEntry } from './tree-checksum.ts';
import { orIfMissing } from '../errors.ts';

export interface PreparedStore {
  imageFile: string;
  device: string;
  mountPoint: string;
  treeDigest: string;
  entries: TreeEntry[];
  blockDigest: string;
}

export const STORE_SIZE_MIB = 384;
/** ext4 read-only without journal replay: mounting then writes nothing to the device. */
export const READ_ONLY = ['ro', 'noload'];

export async function fingerprintTree(root: string): Promise<{ entries: TreeEntry[]; digest: string }> {
  const entries = await scanTree(root);
  return { entries, digest: digestEntries(entries) };
}

export async function prepareStore(ctx: E2eContext, spec: ImageSpec, image: BuiltImage): Promise<PreparedStore> {
  const imageFile = join(ctx.work, 'store.img');
  const mountPoint = join(ctx.work, 'store');
  await mkdir(mountPoint, { recursive: true });

  // The stock path first: load, tag latest (NAME:extra means NAME:latest), run, save.
  const daemon = await startPrivateDaemon(ctx, 'store-prep', {});
  const loaded = await daemon.docker.call(['load', '-i', image.archive], { timeoutMs: 300_000, signal: ctx.signal });
  const id = await inspectImageId(daemon.docker, image.ref);
  ctx.results.check('store: docker load registers the generated image under its config digest', id === `sha256:${image.imageId}`,
    `expected sha256:${image.imageId}, got ${id ?? 'no image'} (${loaded.stdout.trim()})`);
  await daemon.docker.call(['tag', image.ref, `${spec.repo}:latest`]);
  await runBaseline(ctx, daemon.docker, spec, image.ref);
  // The patched overlay2 serves saves of every layer; an ordinary one must save as stock dockerd does.
  await checkSave(ctx, daemon.docker, image, image.ref, 'store (an ordinary loaded image)');
  const socket = daemon.docker.host.replace(/^unix:\/\//, '');
  const built = await buildStore(ctx, join(ctx.work, 'store-src'), [image.ref, `${spec.repo}:latest`].map((name) => ({ kind: 'daemon', socket, name })));
  await daemon.release();
  ctx.results.check('store: store add --from-daemon puts the image in under both tags, its layers once',
    built.summary.images.after === 1 && built.summary.layers.after === image.chainIds.length, JSON.stringify(built.summary));

  // Room for the unpacked layers with their metadata, at least the default.
  const needMiB = Math.ceil((1.2 * built.summary.bytes.store) / 2 ** 20) + 128;
  await makeExt4Image(imageFile, Math.max(STORE_SIZE_MIB, needMiB), ctx.signal);
  const device = await attachLoop(imageFile, ctx.signal);
  ctx.teardown.defer(`losetup -d ${device}`, () => detachLoop(device));
  await mount(device, mountPoint, [], ctx.signal);
  ctx.teardown.defer(`umount ${mountPoint}`, () => unmountAll(mountPoint));
  await copyTree(built.dir, mountPoint, ctx.signal);
  await rm(built.dir, { recursive: true, force: true });

  await unmountAll(mountPoint);
  const blockDigest = await sha256File(imageFile);
  await mount(device, mountPoint, READ_ONLY, ctx.signal);
  const { entries, digest } = await fingerprintTree(mountPoint);
  await checkLayout(ctx, mountPoint, image);
  return { imageFile, device, mountPoint, treeDigest: digest, entries, blockDigest };
}

/** `store add` of the sources into a new store at dir, by the test's own dockerd (its engine line). */
export async function buildStore(ctx: E2eContext, dir: string, sources: ImageSource[]): Promise<{ dir: string; summary: EditSummary }> {
  ctx.teardown.defer(`rm -rf ${dir}`, () => rm(dir, { recursive: true, force: true }));
  const { summary } = await addImages(dir, ctx.dockerd, sources, ctx.signal);
  return { dir, summary };
}

/** A store's tree into `to` as it is: cp -a keeps whiteouts (0/0 devices), xattrs, owners, modes and hardlinks. */
export async function copyTree(from: string, to: string, signal: AbortSignal): Promise<void> {
  await run('cp', ['-a', `${from}/.`, to], { cwd: '/', signal, timeoutMs: 3_600_000 });
}

/** The same checks on the stock path first: proves the image and the checks are right before the feature is judged. */
async function runBaseline(ctx: E2eContext, docker: Parameters<typeof inspectImageId>[0], spec: ImageSpec, ref: string): Promise<void> {
  const name = 'store: a container of the loaded image sees every expected file (stock path)';
  try {
    const result = await docker.call(['run', '--rm', '--network', 'none', ref, 'sh', '-c', checkScript(spec.expectations)], { timeoutMs: 120_000, signal: ctx.signal });
    const bad = parseCheckOutput(result.stdout, spec.expectations).filter((v) => !v.ok);
    ctx.results.check(name, bad.length === 0, bad.map((v) => `${describeExpectation(v.expectation)}: ${v.detail}`).join('; '));
  } catch (error) {
    ctx.results.fail(name, errorText(error));
  }
}

async function checkLayout(ctx: E2eContext, root: string, image: BuiltImage): Promise<void> {
  const missing: string[] = [];
  // What is missing is what this check reports.
  const repos = await readFile(join(root, 'image/overlay2/repositories.json'), 'utf8').catch(orIfMissing(''));
  if (!repos.includes(image.ref)) missing.push(`repositories.json naming ${image.ref}`);
  for (const chain of image.chainIds) {
    const cacheId = (await readFile(join(root, 'image/overlay2/layerdb/sha256', chain, 'cache-id'), 'utf8').catch(orIfMissing(''))).trim();
    if (!cacheId) missing.push(`layerdb/sha256/${chain.slice(0, 12)}…/cache-id`);
  }
  ctx.results.check('store: read-only filesystem holds the overlay2 layout (repositories.json, layerdb by chainID)', missing.length === 0, `missing ${missing.join(', ')}`);
}
