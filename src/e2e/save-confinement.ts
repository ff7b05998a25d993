/**
 * A store whose layer directory does not hold what its tar-split says: a symlink to a host file, or
 * a FIFO, where tar-split has a regular file. With `"verify": "content"` (the default) the pull
 * itself hashes the layer and is refused naming it. With `"verify": "trusted"` the pull is allowed
 * (the admin vouches for the store), but `docker save` must neither copy host bytes into the image
 * nor hang: it fails, naming the file. Stock dockerd, reading through the mounted layer, would
 * follow the symlink to the host's file; the engine before issue 12 pulled in both modes.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { attackDaemon, attempt, clip, lastLine, names, registered } from './attack-kit.ts';
import type { BuiltImage } from './build-image.ts';
import { errorText, type E2eContext } from './context.ts';
import { readCacheId } from './data-root.ts';
import type { ImageSpec } from './image-spec.ts';
import { copyStore } from './store-craft.ts';
import type { PreparedStore } from './store.ts';
import { orIfMissing } from '../errors.ts';

const KINDS = ['symlink to a host file', 'FIFO'] as const;
type Kind = (typeof KINDS)[number];

interface Inconsistent {
  root: string;
  marker: string;
  path: string;
  /** The top layer's chainID, which a refusal must name. */
  chain: string;
}

/** A copy of the store whose top layer has `kind` where tar-split records the regular file `path`. */
async function makeInconsistent(ctx: E2eContext, store: PreparedStore, image: BuiltImage, path: string, kind: Kind, index: number): Promise<Inconsistent> {
  const root = await copyStore(ctx, store, `inconsistent-${index}`);
  const secret = join(ctx.work, `host-secret-${index}.txt`);
  const marker = `HOST-SECRET-${randomBytes(8).toString('hex')}`;
  await writeFile(secret, `${marker}\n`);
  const chain = image.chainIds.at(-1)!;
  const target = join(root, 'overlay2', (await readCacheId(root, chain))!, 'diff', path);
  await rm(target);
  if (kind === 'FIFO') await run('mkfifo', [target], { cwd: '/' });
  else await symlink(secret, target);
  return { root, marker, path, chain };
}

export async function runSaveConfinement(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<void> {
  const file = spec.layers.at(-1)?.find((entry) => entry.kind === 'file');
  if (!file || file.kind !== 'file') throw new Error('the test image has no regular file in its top layer');
  for (const [index, kind] of KINDS.entries()) {
    const label = `inconsistent store (${kind} where tar-split has a file)`;
    let bad: Inconsistent | undefined;
    try {
      bad = await makeInconsistent(ctx, store, image, file.path, kind, index);
      await checkContentRefuses(ctx, image, bad, label, index);
      await checkTrustedSave(ctx, image, bad, label, index);
    } catch (error) {
      ctx.results.fail(label, errorText(error));
    } finally {
      // Clean-up in finally: a failure here (a busy mount) must not hide the check's own result.
      if (bad) await rm(bad.root, { recursive: true, force: true }).catch(() => {});
    }
  }
}

/** verify content: the hash of the rebuilt tar cannot match, so the pull stops there. */
async function checkContentRefuses(ctx: E2eContext, image: BuiltImage, bad: Inconsistent, label: string, index: number): Promise<void> {
  const daemon = await attackDaemon(ctx, `inconsistent-${index}-content`, bad.root);
  const pull = await attempt(ctx, daemon.docker, ['pull', `${image.ref}-extra`]);
  const left = await registered(daemon);
  await daemon.release();
  ctx.results.check(`${label}, verify content: the pull is refused naming the layer, nothing registered, no hang`,
    pull.exitCode !== 0 && names(pull.message, [bad.chain]) && left.images === 0 && left.chains === 0,
    `pull exit ${pull.exitCode} after ${pull.ms} ms, names ${bad.chain.slice(0, 12)}: ${names(pull.message, [bad.chain])}, images ${left.images}, layers ${left.chains}: ${clip(lastLine(pull.message), 300)}`);
  if (pull.exitCode !== 0) ctx.results.note(`${label}, verify content: ${lastLine(pull.message)}`);
}

/** verify trusted: the pull links the layer unhashed; docker save must fail on the file, not leak or hang. */
async function checkTrustedSave(ctx: E2eContext, image: BuiltImage, bad: Inconsistent, label: string, index: number): Promise<void> {
  const name = `${label}, verify trusted: pull works; docker save fails naming the file, without host bytes or a hang`;
  const saved = join(ctx.work, `inconsistent-${index}.tar`);
  const daemon = await attackDaemon(ctx, `inconsistent-${index}-trusted`, bad.root, 'trusted');
  const ref = `${image.ref}-extra`;
  const pull = await attempt(ctx, daemon.docker, ['pull', ref]);
  const save = await attempt(ctx, daemon.docker, ['save', '-o', saved, ref], 120_000);
  await daemon.release();
  const written = await readFile(saved).catch(orIfMissing(Buffer.alloc(0))); // a refused save writes no file
  await rm(saved, { force: true });
  const daemonLog = await readFile(daemon.logFile, 'utf8').catch(orIfMissing(''));
  const named = save.message.includes(bad.path) || daemonLog.includes(bad.path);
  const leaked = written.includes(bad.marker);
  ctx.results.figure(`${label}: time to the failed save (verify trusted)`, save.ms, 'ms');
  ctx.results.check(name, pull.exitCode === 0 && save.exitCode !== 0 && named && !leaked,
    `pull exit ${pull.exitCode}; save exit ${save.exitCode} after ${save.ms} ms; names ${bad.path}: ${named}; host bytes in the ${written.length}-byte output: ${leaked}: ${clip(save.message, 300)}`);
  if (save.exitCode !== 0) ctx.results.note(`${label}, verify trusted: ${lastLine(save.message)}`);
}
