/**
 * Crafted bad stores: a copy of the good store with one thing broken. The patched dockerd must refuse
 * the pull, name what is wrong (the layer's chainID or cache-id) and register nothing.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNever } from '../errors.ts';
import type { BuiltImage } from './build-image.ts';
import { errorText, type E2eContext } from './context.ts';
import { layerDir, readCacheId } from './data-root.ts';
import { startExtraHost } from './extra-host.ts';
import { imageIds } from './docker.ts';
import { copyStore } from './store-craft.ts';
import type { PreparedStore } from './store.ts';

export type Tamper = 'cache-id-not-hex' | 'diff-mismatch' | 'diff-symlink-outside' | 'store-not-mounted';
export const TAMPERS: readonly Tamper[] = ['cache-id-not-hex', 'diff-mismatch', 'diff-symlink-outside', 'store-not-mounted'];

/** Breaks the copy at `root`; returns the identifiers an error about it should name. */
export async function tamper(root: string, image: BuiltImage, kind: Tamper, outside: string): Promise<string[]> {
  const top = image.chainIds.at(-1)!;
  const middle = image.chainIds[1] ?? top;
  switch (kind) {
    case 'cache-id-not-hex': {
      const cacheId = await readCacheId(root, top);
      await writeFile(join(layerDir(root, top), 'cache-id'), '../../../../etc');
      return [top, top.slice(0, 12), cacheId ?? top, 'cache-id'];
    }
    case 'diff-mismatch': {
      await writeFile(join(layerDir(root, middle), 'diff'), `sha256:${'0'.repeat(64)}`);
      return [middle, middle.slice(0, 12)];
    }
    case 'diff-symlink-outside': {
      const cacheId = (await readCacheId(root, top))!;
      const diff = join(root, 'overlay2', cacheId, 'diff');
      await rm(diff, { recursive: true, force: true });
      await mkdir(outside, { recursive: true });
      await writeFile(join(outside, 'planted.txt'), 'outside the store\n');
      await symlink(outside, diff);
      return [cacheId, cacheId.slice(0, 12), top, top.slice(0, 12)];
    }
    case 'store-not-mounted':
      // An empty mount point: what a host sees when the store's mount is missing.
      await rm(root, { recursive: true, force: true });
      await mkdir(root);
      return [root];
    default:
      return assertNever(kind);
  }
}

/** On the run's image store: on the containerd store each copy has a snapshotter of its own serving it. */
export async function runBadStores(ctx: E2eContext, image: BuiltImage, store: PreparedStore): Promise<void> {
  const prefix = ctx.containerdStore ? 'containerd image store: ' : '';
  for (const kind of TAMPERS) {
    const what = kind === 'store-not-mounted' ? 'naming the store' : 'naming the layer';
    const name = `${prefix}bad store (${kind}): pull is refused ${what}, fast, nothing registered`;
    const root = join(ctx.work, `bad-${kind}`);
    try {
      if (kind === 'store-not-mounted') await mkdir(root, { recursive: true });
      else await copyStore(ctx, store, `bad-${kind}`);
      const mentions = await tamper(root, image, kind, join(ctx.work, `outside-${kind}`));
      const daemon = await startExtraHost(ctx, `bad-${kind}`, { path: root });
      const started = performance.now();
      const result = await daemon.docker.call(['pull', `${image.ref}-extra`], { reject: false, timeoutMs: 90_000, signal: ctx.signal });
      const ms = Math.round(performance.now() - started);
      const images = await imageIds(daemon.docker);
      const chains = await daemon.layers();
      await daemon.release();
      const message = `${result.stderr} ${result.stdout}`.trim();
      const named = mentions.some((m) => message.includes(m));
      ctx.results.figure(`${prefix}bad store (${kind}): time to refusal`, ms, 'ms');
      ctx.results.check(name, result.exitCode !== 0 && named && images.length === 0 && chains.length === 0,
        `exit ${result.exitCode} after ${ms} ms, ${what}: ${named}, images ${images.length}, layerdb entries ${chains.length}: ${message.slice(0, 300)}`);
      if (result.exitCode !== 0) ctx.results.note(`${prefix}bad store ${kind}: ${message.split('\n').pop()}`);
    } catch (error) {
      ctx.results.fail(name, errorText(error));
    } finally {
      // Clean-up in finally: a failure here (a busy mount) must not hide the check's own result.
      await rm(root, { recursive: true, force: true }).catch(() => {});
    }
  }
}
