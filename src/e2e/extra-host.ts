/**
 * Hosts that pull from one store, on the image store the run proves: a private patched dockerd with
 * `extra-storage` at the store and, on the containerd image store, a containerd and an
 * extra-snapshotter of the site's own serving that same store (the snapshotter's store is per
 * process, so every crafted copy needs its own). The scenarios that craft stores start their daemons
 * here, so one scenario proves both image stores.
 */
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SNAPSHOTTER, startContainerdEnv } from './containerd-env.ts';
import { startPrivateDaemon, type E2eContext } from './context.ts';
import type { BuiltImage } from './build-image.ts';
import { layerChains, readCacheId } from './data-root.ts';
import { inspectDiffIds, inspectImageId, type DockerClient } from './docker.ts';

export type VerifyMode = 'content' | 'trusted';

/** daemon.json's `extra-storage`; on the containerd store the snapshotter serves `path` with `verify`. */
export interface ExtraStorageSetting {
  path: string;
  /** Absent means the engine's default (content). */
  verify?: VerifyMode;
  device?: string;
  type?: string;
}

export type ExtraHost = Awaited<ReturnType<typeof startPrivateDaemon>> & {
  /** The image layers the host holds, by chain ID: the graph driver's layerdb, or the snapshotter's committed snapshots. */
  layers(): Promise<string[]>;
  /** The store directory a layer (by chain ID) was linked from, '' when it was not. */
  layerSource(chain: string): Promise<string>;
};

/** The snapshot label extra-snapshotter records a linked layer's store directory in. */
export const LABEL_SOURCE = 'containerd.io/snapshot/extra.source';

/** Where daemons pulling from one store run: several in turn may share a data-root (a restart). */
export interface StoreSite {
  /** config: daemon.json keys beside `extra-storage` (metrics-addr, for one). */
  start(name: string, dataRoot: string, config?: Record<string, unknown>): Promise<ExtraHost>;
  close(): Promise<void>;
}

export async function openStoreSite(ctx: E2eContext, name: string, extra: ExtraStorageSetting): Promise<StoreSite> {
  if (!ctx.containerdStore) {
    return {
      start: async (daemonName, dataRoot, config = {}) => {
        const daemon = await startPrivateDaemon(ctx, daemonName, { ...config, 'extra-storage': extra }, dataRoot);
        const layerSource = async (chain: string) => {
          const cacheId = await readCacheId(dataRoot, chain);
          return cacheId ? readlink(join(dataRoot, 'overlay2', cacheId, 'diff')).catch(() => '') : '';
        };
        return { ...daemon, layers: () => layerChains(dataRoot), layerSource };
      },
      close: async () => {},
    };
  }
  const env = await startContainerdEnv(ctx, ctx.containerdStore.snapshotter, extra.path, { name, ...(extra.verify ? { verify: extra.verify } : {}) });
  const layers = async () => (await env.committedSnapshots()).map((key) => key.replace(/^sha256:/, ''));
  const layerSource = async (chain: string) => (await env.snapshotLabels(`sha256:${chain}`))?.[LABEL_SOURCE] ?? '';
  return {
    start: async (daemonName, dataRoot, config = {}) => {
      const onStore = { ...config, 'extra-storage': extra, features: { 'containerd-snapshotter': true } };
      const daemon = await startPrivateDaemon(ctx, daemonName, onStore, dataRoot, { storageDriver: SNAPSHOTTER, containerd: env.paths.containerdSocket });
      return { ...daemon, layers, layerSource };
    },
    close: () => env.stop(),
  };
}

/** One host on its own site and data-root (by default a fresh one); its release closes the site too. */
export async function startExtraHost(ctx: E2eContext, name: string, extra: ExtraStorageSetting, options: { dataRoot?: string; config?: Record<string, unknown> } = {}): Promise<ExtraHost> {
  const site = await openStoreSite(ctx, name, extra);
  try {
    const host = await site.start(name, options.dataRoot ?? join(ctx.work, `local-${name}`), options.config);
    return {
      ...host,
      release: async () => {
        await host.release();
        await site.close();
      },
    };
  } catch (error) {
    await site.close();
    throw error;
  }
}

/**
 * The host holds the store's image under ref. On the graph-driver store its ID is the store's; on the
 * containerd store the ID is the digest of the manifest dockerd wrote, so its layers tell.
 */
export async function holdsStoreImage(ctx: E2eContext, docker: DockerClient, ref: string, image: BuiltImage): Promise<{ ok: boolean; detail: string }> {
  const id = await inspectImageId(docker, ref);
  if (id === undefined) return { ok: false, detail: `${ref} is missing` };
  if (!ctx.containerdStore) return { ok: id === `sha256:${image.imageId}`, detail: `${ref} is ${id}` };
  const diffIds = (await inspectDiffIds(docker, ref)) ?? [];
  return { ok: diffIds.join() === image.diffIds.map((d) => `sha256:${d}`).join(), detail: `${ref} is ${id} with layers ${diffIds.join(', ')}` };
}
