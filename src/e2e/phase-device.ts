/**
 * The store given as `device` + `type`, not mounted: the patched dockerd must mount it read-only
 * itself, serve the pull from it, and unmount it at shutdown (only what it mounted).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltImage } from './build-image.ts';
import { errorText, type E2eContext } from './context.ts';
import { holdsStoreImage, startExtraHost, type ExtraHost } from './extra-host.ts';
import { checkContainerFiles } from './container-run.ts';
import type { ImageSpec } from './image-spec.ts';
import { mountAt, unmountAll } from './mounts.ts';
import { pullFromStore } from './pull-checks.ts';
import type { PreparedStore } from './store.ts';

const LABEL = 'device store';

export async function runDevicePhase(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<void> {
  await unmountAll(store.mountPoint);
  const path = join(ctx.work, 'store-dev');
  await mkdir(path, { recursive: true });
  ctx.teardown.defer(`umount ${path}`, () => unmountAll(path));
  const dataRoot = join(ctx.work, 'local-dev');
  let daemon;
  try {
    daemon = await startExtraHost(ctx, 'extra-device', { path, device: store.device, type: 'ext4' }, { dataRoot });
  } catch (error) {
    ctx.results.fail(`${LABEL}: patched dockerd starts with extra-storage device/type`, errorText(error));
    return;
  }
  const mounted = await mountAt(path);
  ctx.results.check(`${LABEL}: dockerd mounts ${store.device} at the path read-only`, mounted?.source === store.device && mounted.options.includes('ro'),
    mounted ? `mounted ${mounted.source} (${mounted.options.join(',')})` : 'nothing mounted there');
  await pullRunAndStop(ctx, { daemon, dataRoot, storeRoot: path, label: LABEL }, spec, image);
  const left = await mountAt(path);
  ctx.results.check(`${LABEL}: dockerd unmounts the store it mounted at shutdown`, left === undefined, `${path} is still mounted from ${left?.source}`);
}

/**
 * The pull and run every mounted-store phase makes on its daemon: `NAME:TAG-extra` from the store,
 * a container that sees every file, both tags removed, the daemon stopped. On the containerd store
 * the graph driver's local layer checks have no counterpart: the pull and its image are checked.
 */
export async function pullRunAndStop(
  ctx: E2eContext,
  on: { daemon: ExtraHost; dataRoot: string; storeRoot: string; label: string },
  spec: ImageSpec,
  image: BuiltImage,
): Promise<void> {
  const target = { docker: on.daemon.docker, dataRoot: on.dataRoot, storeRoot: on.storeRoot, label: on.label };
  const extraRef = `${image.ref}-extra`;
  if (await (ctx.containerdStore ? pullImage(ctx, on.daemon, on.label, image) : pullFromStore(ctx, target, image))) {
    await checkContainerFiles(ctx, on.daemon.docker, spec, extraRef, `${on.label}: run`, false);
  }
  await on.daemon.docker.call(['rmi', image.ref, extraRef], { reject: false });
  await on.daemon.release();
}

async function pullImage(ctx: E2eContext, daemon: ExtraHost, label: string, image: BuiltImage): Promise<boolean> {
  const extraRef = `${image.ref}-extra`;
  const pulled = await daemon.docker.call(['pull', extraRef], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
  const held = await holdsStoreImage(ctx, daemon.docker, extraRef, image);
  ctx.results.check(`${label}: docker pull ${extraRef} is served from the store`, pulled.exitCode === 0 && held.ok, `exit ${pulled.exitCode}, ${held.detail}: ${pulled.stderr.trim()}`);
  return pulled.exitCode === 0 && held.ok;
}
