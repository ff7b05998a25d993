/**
 * A store whose layer directory does not hold what its tar-split says: a symlink to a host file, or
 * a FIFO, where tar-split has a regular file. The pull is allowed (checking every file would read
 * the whole store), but `docker save` must neither copy host bytes into the image nor hang: it
 * fails, naming the file. Stock dockerd, reading through the mounted layer, would follow the
 * symlink to the host's file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import type { BuiltImage } from './build-image.ts';
import { errorText, startPrivateDaemon, type E2eContext } from './context.ts';
import { readCacheId } from './data-root.ts';
import type { ImageSpec } from './image-spec.ts';
import type { PreparedStore } from './store.ts';
import { orIfMissing } from '../errors.ts';

const KINDS = ['symlink to a host file', 'FIFO'] as const;

export async function runSaveConfinement(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<void> {
  const file = spec.layers.at(-1)?.find((entry) => entry.kind === 'file');
  if (!file || file.kind !== 'file') throw new Error('the test image has no regular file in its top layer');
  for (const [index, kind] of KINDS.entries()) {
    const name = `inconsistent store (${kind} where tar-split has a file): pull works; docker save fails naming the file, without host bytes or a hang`;
    const root = join(ctx.work, `inconsistent-${index}`);
    const secret = join(ctx.work, `host-secret-${index}.txt`);
    const marker = `HOST-SECRET-${randomBytes(8).toString('hex')}`;
    const saved = join(ctx.work, `inconsistent-${index}.tar`);
    try {
      await mkdir(root, { recursive: true });
      await run('cp', ['-a', `${store.mountPoint}/.`, root], { cwd: '/', timeoutMs: 120_000, signal: ctx.signal });
      await writeFile(secret, `${marker}\n`);
      const cacheId = await readCacheId(root, image.chainIds.at(-1)!);
      const target = join(root, 'overlay2', cacheId!, 'diff', file.path);
      await rm(target);
      if (kind === 'FIFO') await run('mkfifo', [target], { cwd: '/' });
      else await symlink(secret, target);

      const daemon = await startPrivateDaemon(ctx, `inconsistent-${index}`, { 'extra-storage': { path: root } });
      const ref = `${image.ref}-extra`;
      const pull = await daemon.docker.call(['pull', ref], { reject: false, timeoutMs: 90_000, signal: ctx.signal });
      const started = performance.now();
      const save = await daemon.docker.call(['save', '-o', saved, ref], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
      const ms = Math.round(performance.now() - started);
      await daemon.release();
      // A refused save writes no file, and that is the expected case.
      const written = await readFile(saved).catch(orIfMissing(Buffer.alloc(0)));
      const daemonLog = await readFile(daemon.logFile, 'utf8').catch(orIfMissing(''));
      const said = `${save.stderr} ${save.stdout}`.trim();
      const named = said.includes(file.path) || daemonLog.includes(file.path);
      const leaked = written.includes(marker);
      ctx.results.figure(`inconsistent store (${kind}): time to the failed save`, ms, 'ms');
      ctx.results.check(name, pull.exitCode === 0 && save.exitCode !== 0 && named && !leaked,
        `pull exit ${pull.exitCode}; save exit ${save.exitCode} after ${ms} ms; names ${file.path}: ${named}; host bytes in the ${written.length}-byte output: ${leaked}: ${said.slice(0, 300)}`);
      if (save.exitCode !== 0) ctx.results.note(`inconsistent store (${kind}): ${said.split('\n').pop()}`);
    } catch (error) {
      ctx.results.fail(name, errorText(error));
    } finally {
      // Clean-up in finally: a failure here (a busy mount) must not hide the check's own result.
      await rm(root, { recursive: true, force: true }).catch(() => {});
      await rm(saved, { force: true }).catch(() => {});
    }
  }
}
