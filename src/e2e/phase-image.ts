/**
 * The store packed into an erofs file (store pack) and given as `device` + `"type": "erofs"`: the
 * patched dockerd must attach the file to a loop device of its own (read-only, autoclear), mount it
 * read-only, serve the pull and the run from it, and at shutdown leave neither mount nor loop device.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { checkStore } from '../store/check.ts';
import { fsStoreView } from '../store/fs-view.ts';
import { moveIntoPlace, storeUsage, writeImage } from '../store/pack-image.ts';
import type { BuiltImage } from './build-image.ts';
import { errorText, type E2eContext } from './context.ts';
import { startExtraHost } from './extra-host.ts';
import type { ImageSpec } from './image-spec.ts';
import { mount, mountAt, unmountAll } from './mounts.ts';
import { pullRunAndStop } from './phase-device.ts';
import { READ_ONLY, type PreparedStore } from './store.ts';

const LABEL = 'packed store';

/** The loop devices backed by file (losetup -j). */
async function loopsOf(file: string): Promise<string[]> {
  const { stdout } = await run('losetup', ['-n', '-O', 'NAME', '-j', file], { cwd: '/', timeoutMs: 10_000 });
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** store pack, as the command does it: the store read-only from its device, an erofs file next to it. */
async function packStore(ctx: E2eContext, store: PreparedStore, out: string): Promise<string | undefined> {
  await mount(store.device, store.mountPoint, READ_ONLY, ctx.signal);
  try {
    const report = await checkStore(fsStoreView(store.mountPoint));
    if (report.findings.length) return `store check: ${report.findings.map((f) => `${f.path} ${f.rule}`).join('; ')}`;
    const temp = await writeImage('erofs', store.mountPoint, out, await storeUsage(store.mountPoint), { signal: ctx.signal });
    await moveIntoPlace(temp, out);
    return undefined;
  } finally {
    await unmountAll(store.mountPoint);
  }
}

export async function runImagePhase(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<void> {
  const file = join(ctx.work, 'store.erofs');
  const packed = await packStore(ctx, store, file).catch(errorText);
  ctx.results.check(`${LABEL}: store pack --format erofs of the store`, packed === undefined, packed ?? '');
  if (packed !== undefined) return;
  const path = join(ctx.work, 'store-erofs');
  await mkdir(path, { recursive: true });
  ctx.teardown.defer(`umount ${path}`, () => unmountAll(path));
  const dataRoot = join(ctx.work, 'local-erofs');
  let daemon;
  try {
    daemon = await startExtraHost(ctx, 'extra-erofs', { path, device: file, type: 'erofs' }, { dataRoot });
  } catch (error) {
    ctx.results.fail(`${LABEL}: patched dockerd starts with an erofs file as device`, errorText(error));
    return;
  }
  const mounted = await mountAt(path);
  const loops = await loopsOf(file);
  ctx.results.check(`${LABEL}: dockerd mounts ${file} through a loop device of its own, read-only`,
    loops.length === 1 && mounted !== undefined && mounted.source === loops[0] && mounted.fsType === 'erofs' && ['ro', 'nodev', 'nosuid'].every((o) => mounted.options.includes(o)),
    `loop devices ${loops.join(', ') || 'none'}; mounted ${mounted ? `${mounted.source} ${mounted.fsType} (${mounted.options.join(',')})` : 'nothing'}`);
  await pullRunAndStop(ctx, { daemon, dataRoot, storeRoot: path, label: LABEL }, spec, image);
  const left = await mountAt(path);
  let loopsLeft = await loopsOf(file);
  for (let i = 0; i < 20 && loopsLeft.length; i++) {
    await new Promise((r) => setTimeout(r, 250));
    loopsLeft = await loopsOf(file);
  }
  ctx.results.check(`${LABEL}: at shutdown dockerd unmounts it and the loop device goes`, left === undefined && loopsLeft.length === 0,
    `${left ? `${path} still mounted from ${left.source}; ` : ''}loop devices left: ${loopsLeft.join(', ') || 'none'}`);
}
