/**
 * Issue 12 items 1 and 2: a store that keeps every metadata file and changes the bytes of a file in a
 * layer's diff directory. Before issue 12 only layerdb's `diff` string was compared with the config,
 * so both pulls below succeeded with the store's bytes, and a genuine `docker load` afterwards reused
 * the poisoned layer by chainID: every "refused" check here failed on that engine.
 */
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPrivateDaemon } from './context.ts';
import { layerChains, readCacheId } from './data-root.ts';
import { attackDaemon, attempt, catInContainer, clip, lastLine, names, registered, type AttackEnv } from './attack-kit.ts';
import { copyStore } from './store-craft.ts';

interface Tampering {
  what: string;
  layer: number;
  path: string;
  genuine: string;
  forged: string;
}

/** Same size (only the tar-split checksum or the hash can tell) and a different size. */
export const TAMPERINGS: readonly Tampering[] = [
  { what: 'same size', layer: 2, path: 'data/changed.txt', genuine: 'version 3\n', forged: 'VERSION 3\n' },
  { what: 'different size', layer: 0, path: 'data/keep.txt', genuine: 'kept from layer 1\n', forged: 'replaced by whoever runs the store\n' },
];

/** Rewrites one file of a layer's diff dir in the copy at root; returns the chainID an error must name. */
export async function tamperFile(root: string, env: AttackEnv, t: Tampering): Promise<string> {
  const chain = env.image.chainIds[t.layer]!;
  const cacheId = await readCacheId(root, chain);
  if (!cacheId) throw new Error(`the store copy has no cache-id for layer ${t.layer + 1}`);
  await writeFile(join(root, 'overlay2', cacheId, 'diff', t.path), t.forged);
  return chain;
}

export async function runContentTamper(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  const ref = `${image.ref}-extra`;
  for (const [index, t] of TAMPERINGS.entries()) {
    const label = `attack 1: /${t.path} of layer ${t.layer + 1} changed (${t.what}), metadata kept`;
    const root = await copyStore(ctx, env.store, `tamper-${index}`);
    try {
      const chain = await tamperFile(root, env, t);
      const content = await attackDaemon(ctx, `tamper-${index}-content`, root);
      const pull = await attempt(ctx, content.docker, ['pull', ref]);
      const left = await registered(content);
      await content.release();
      ctx.results.figure(`${label}: verify content, time to refusal`, pull.ms, 'ms');
      ctx.results.check(`${label}: verify content refuses the pull naming the layer, registers nothing`,
        pull.exitCode !== 0 && names(pull.message, [chain]) && left.images === 0 && left.chains === 0,
        `exit ${pull.exitCode} after ${pull.ms} ms, names ${chain.slice(0, 12)}: ${names(pull.message, [chain])}, images ${left.images}, layers ${left.chains}: ${clip(lastLine(pull.message), 400)}`);
      if (pull.exitCode !== 0) ctx.results.note(`${label}: ${lastLine(pull.message)}`);

      const trusted = await attackDaemon(ctx, `tamper-${index}-trusted`, root, 'trusted');
      const tpull = await attempt(ctx, trusted.docker, ['pull', ref]);
      const seen = tpull.exitCode === 0 ? await catInContainer(ctx, trusted.docker, ref, `/${t.path}`) : undefined;
      await trusted.release();
      ctx.results.check(`${label}: verify trusted links it unhashed (the admin's choice for a store they control)`, tpull.exitCode === 0,
        `pull exit ${tpull.exitCode}: ${clip(lastLine(tpull.message))}`);
      ctx.results.note(`${label}: with verify trusted a container reads ${JSON.stringify(seen?.stdout ?? '(no run)')}, the store's bytes, as configured`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
}

interface TreeTampering {
  what: string;
  layer: number;
  /** Changes the layer's diff directory in the store copy. */
  apply: (diff: string) => Promise<void>;
}

/**
 * What the tar-split does not hold: names, modes, owners, xattrs come from the directory a container
 * sees. The tar rebuilt from the tar-split hashes to the diffID whatever they are, so before the
 * directory was held to the tar's headers, both pulls below linked the store's version.
 */
export const TREE_TAMPERINGS: readonly TreeTampering[] = [
  { what: 'a file planted that the tar-split does not name', layer: 0, apply: (diff) => writeFile(join(diff, 'data/planted'), 'planted\n') },
  { what: 'a setuid bit added', layer: 0, apply: (diff) => chmod(join(diff, 'data/keep.txt'), 0o4755) },
];

export async function runTreeTamper(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  for (const [index, t] of TREE_TAMPERINGS.entries()) {
    const label = `attack 1: ${t.what} in layer ${t.layer + 1}, bytes and metadata kept`;
    const root = await copyStore(ctx, env.store, `tree-${index}`);
    try {
      const chain = image.chainIds[t.layer]!;
      const cacheId = await readCacheId(root, chain);
      if (!cacheId) throw new Error(`the store copy has no cache-id for layer ${t.layer + 1}`);
      await t.apply(join(root, 'overlay2', cacheId, 'diff'));
      const daemon = await attackDaemon(ctx, `tree-${index}`, root);
      const pull = await attempt(ctx, daemon.docker, ['pull', `${image.ref}-extra`]);
      const left = await registered(daemon);
      await daemon.release();
      ctx.results.check(`${label}: verify content refuses the pull naming the layer and the path, registers nothing`,
        pull.exitCode !== 0 && names(pull.message, [chain]) && pull.message.includes('data/') && left.images === 0 && left.chains === 0,
        `exit ${pull.exitCode} after ${pull.ms} ms, names ${chain.slice(0, 12)}: ${names(pull.message, [chain])}, images ${left.images}, layers ${left.chains}: ${clip(lastLine(pull.message), 400)}`);
      if (pull.exitCode !== 0) ctx.results.note(`${label}: ${lastLine(pull.message)}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
}

/**
 * A trusted pull of a tampered store, then the genuine image through `docker load`: the load must
 * not reuse the unverified layer (it hashes it and refuses, naming it); once the -extra image is
 * removed the layer is gone and the genuine load works and runs the genuine bytes.
 */
export async function runPoisonedLoad(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  const t = TAMPERINGS[0]!;
  const label = `attack 2: poisoning does not outlive the pull (trusted pull of /${t.path} changed, then the genuine image)`;
  const root = await copyStore(ctx, env.store, 'poison');
  try {
    const chain = await tamperFile(root, env, t);
    const daemon = await attackDaemon(ctx, 'poison', root, 'trusted');
    const pull = await attempt(ctx, daemon.docker, ['pull', `${image.ref}-extra`]);
    if (pull.exitCode !== 0) throw new Error(`the trusted pull of the tampered store failed: ${lastLine(pull.message)}`);
    const load = await attempt(ctx, daemon.docker, ['load', '-i', image.archive], 180_000);
    const refusedLoad = `${label}: docker load of the genuine archive is refused naming the unverified layer (no silent reuse)`;
    if (ctx.containerdStore) {
      ctx.results.skip(refusedLoad, `the containerd store finds a layer by its chain ID whatever brought it (load exit ${load.exitCode}): there "trusted" makes the store's layers stand in for every pull and load, as the README says; the check below still holds`);
    } else {
      ctx.results.check(refusedLoad, load.exitCode !== 0 && names(load.message, [chain]),
        `load exit ${load.exitCode}, names ${chain.slice(0, 12)}: ${names(load.message, [chain])}: ${clip(lastLine(load.message), 400)}`);
      if (load.exitCode !== 0) ctx.results.note(`${label}: ${lastLine(load.message)}`);
    }

    const rmi = await attempt(ctx, daemon.docker, ['rmi', `${image.ref}-extra`, image.ref]);
    const chainsLeft = (await daemon.layers()).filter((c) => image.chainIds.includes(c)).length;
    const reload = await attempt(ctx, daemon.docker, ['load', '-i', image.archive], 180_000);
    const seen = reload.exitCode === 0 ? await catInContainer(ctx, daemon.docker, image.ref, `/${t.path}`) : undefined;
    await daemon.release();
    ctx.results.check(`${label}: after docker rmi of both tags the layers are gone, docker load works and a container reads the genuine file`,
      rmi.exitCode === 0 && chainsLeft === 0 && reload.exitCode === 0 && seen?.stdout === t.genuine.trimEnd(),
      `rmi exit ${rmi.exitCode}, layers left ${chainsLeft}, load exit ${reload.exitCode} (${clip(lastLine(reload.message))}), /${t.path} reads ${JSON.stringify(seen?.stdout ?? seen?.message)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The guard behind "no silent reuse" runs on every ordinary image creation, extra storage or not: it
 * must look at the chain's layers without keeping a reference to them, or `docker rmi` never frees a
 * loaded, pulled or built image's layers (nothing collects them later). Stock dockerd frees them;
 * this check fails if the guard leaks, on a daemon without extra-storage where the feature must be
 * invisible.
 */
export async function runGuardReleases(env: AttackEnv): Promise<void> {
  const { ctx, image } = env;
  const daemon = await startPrivateDaemon(ctx, 'guard-release', {});
  try {
    const load = await attempt(ctx, daemon.docker, ['load', '-i', image.archive], 180_000);
    const rmi = await attempt(ctx, daemon.docker, ['rmi', image.ref]);
    const left = (await layerChains(daemon.dataRoot)).filter((c) => image.chainIds.includes(c));
    ctx.results.check('attack 2 guard: on a daemon without extra-storage, docker load then docker rmi frees every layer (the reuse guard keeps no reference)',
      load.exitCode === 0 && rmi.exitCode === 0 && left.length === 0,
      `load exit ${load.exitCode}, rmi exit ${rmi.exitCode} (${clip(rmi.message.replace(/\n/g, ' | '))}); layerdb entries left ${left.length} of ${image.chainIds.length}: the image is gone but its layers stay on disk (a leaked layer reference)`);
  } finally {
    await daemon.release();
  }
}
