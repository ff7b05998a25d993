/**
 * An extra pull syncs once, before it records the image, instead of once per file. This phase kills
 * dockerd (SIGKILL) at points spread over a pull, restarts it on the same data-root, and checks what
 * a crash may leave: the image whole (it runs) or not there at all, never a tag without its layers,
 * and a new pull of the same image that works.
 */
import { join } from 'node:path';
import type { BuiltImage } from './build-image.ts';
import { checkContainerFiles } from './container-run.ts';
import { errorText, type E2eContext } from './context.ts';
import { inspectImageId } from './docker.ts';
import { holdsStoreImage, openStoreSite, type StoreSite } from './extra-host.ts';
import type { ImageSpec } from './image-spec.ts';
import { sleep } from './processes.ts';
import type { PreparedStore } from './store.ts';

/** Milliseconds from the start of `docker pull` to the kill: before, during and after the links. */
export const KILL_DELAYS_MS: readonly number[] = [0, 15, 30, 45, 60, 90, 150, 400];

export async function runCrashPhase(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<void> {
  const dataRoot = join(ctx.work, 'crash-root');
  // On the containerd store containerd and the snapshotter live on: only dockerd is killed.
  const site = await openStoreSite(ctx, 'crash', { path: store.mountPoint });
  try {
    await killDuringPulls(ctx, spec, image, site, dataRoot);
  } finally {
    await site.close();
  }
}

async function killDuringPulls(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, site: StoreSite, dataRoot: string): Promise<void> {
  const extraRef = `${image.ref}-extra`;
  const left = { whole: 0, absent: 0 };
  const layersLeft: number[] = [];
  for (const [i, delay] of KILL_DELAYS_MS.entries()) {
    const label = `crash: dockerd killed ${delay} ms into an extra pull`;
    try {
      const victim = await site.start(`crash-${i + 1}`, dataRoot);
      const pid = await victim.pid();
      if (pid === undefined) throw new Error('the daemon wrote no pidfile');
      const pull = victim.docker.call(['pull', '-q', extraRef], { reject: false, timeoutMs: 60_000 });
      await sleep(delay);
      process.kill(pid, 'SIGKILL');
      await pull;
      await victim.release();
      // Layers registered before the kill, whatever became of the image: shows where the kill landed.
      layersLeft.push((await victim.layers()).filter((c) => image.chainIds.includes(c)).length);

      const daemon = await site.start(`crash-${i + 1}-restarted`, dataRoot);
      const id = await inspectImageId(daemon.docker, image.ref);
      if (id === undefined) {
        left.absent++;
        ctx.results.check(`${label}: the restarted daemon has no tag of it`, (await inspectImageId(daemon.docker, extraRef)) === undefined, `${extraRef} is tagged without ${image.ref}`);
      } else {
        left.whole++;
        const held = await holdsStoreImage(ctx, daemon.docker, image.ref, image);
        ctx.results.check(`${label}: the image it left is the stored one`, held.ok, held.detail);
        await checkContainerFiles(ctx, daemon.docker, spec, image.ref, `${label}: the image it left`, false);
      }
      const again = await daemon.docker.call(['pull', '-q', extraRef], { reject: false, timeoutMs: 60_000 });
      ctx.results.check(`${label}: a new pull works`, again.exitCode === 0, again.stderr.trim());
      if (again.exitCode === 0) await checkContainerFiles(ctx, daemon.docker, spec, extraRef, `${label}: pulled again`, false);
      await daemon.docker.call(['rmi', image.ref, extraRef], { reject: false });
      await daemon.release();
    } catch (error) {
      ctx.results.fail(label, errorText(error));
    }
  }
  ctx.results.note(`crash: ${KILL_DELAYS_MS.length} kills left the image whole ${left.whole} times and absent ${left.absent} times; layers held after each kill: ${layersLeft.join(', ')} of ${image.diffIds.length}`);
}
