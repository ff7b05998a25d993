/**
 * Issue 12 item 5: a registry-assisted pull (the store does not know NAME, so dockerd asks NAME's
 * registry for manifest and config, links what the store holds by chainID and downloads the rest)
 * must not teach the host blob→diffID pairs it never downloaded.
 *
 * On a loopback registry a stock daemon pushes a VICTIM image the store does not hold; an ATTACKER
 * repository beside it lists the victim's layer blobs (mounted, not copied) with a config whose
 * diffIDs are the store image's. `docker pull ATTACKER:v1-extra` links every layer from the store and
 * downloads nothing. The engine before issue 12 then recorded "victim blob k is store diffID k" in the
 * daemon's distribution metadata (image/overlay2/distribution/diffid-by-digest), on disk; a later
 * plain `docker pull VICTIM` looked each blob up there, found the store's layers present, said
 * "Already exists" without downloading, and failed with "layers from manifest don't match image
 * configuration" — after a restart too. So every check below failed on that engine: the pairs are
 * looked for on disk right after the attacker pull, and the victim must pull and run its own bytes
 * on the same daemon before and after a restart. The pairs can reach the disk two ways — written by the
 * extra pull itself, or by the pinned ordinary pull, whose "Already exists" path registers each
 * linked layer's blob (xfer's Registered → V2MetadataService.Add) — and the first check reads the
 * disk, so it catches either.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../bench/registry.ts';
import { buildImageArchive } from './build-image.ts';
import { startPrivateDaemon } from './context.ts';
import { goArch } from './docker-archive.ts';
import { attackDaemon, attempt, catInContainer, clip, lastLine, type AttackEnv, type VerifyMode } from './attack-kit.ts';
import { getManifest, mountBlob, putManifest, uploadBlob } from './registry-api.ts';
import { manifestRequests } from './registry-api.ts';
import { attackerConfig, configDescriptor, craftedManifest, parseSchema2Manifest, victimFile, victimImageSpec, victimText, type Descriptor } from './registry-craft.ts';
import { copyStore } from './store-craft.ts';
import { checkAssistedCounters } from './report-checks.ts';
import { orIfMissing } from '../errors.ts';

interface Victim {
  ref: string;
  layers: Descriptor[];
  diffIds: string[];
}

/** Builds the victim, pushes it from a stock-configured daemon, and reads back its manifest. */
async function publishVictim(env: AttackEnv, address: string): Promise<Victim> {
  const { ctx, image } = env;
  const spec = victimImageSpec({ repo: `${address}/victim`, tag: 'v1', busybox: env.busybox, layerCount: image.diffIds.length });
  const built = await buildImageArchive(spec, join(ctx.work, 'victim-image'), ctx.signal);
  const daemon = await startPrivateDaemon(ctx, 'victim-push', {});
  try {
    await daemon.docker.call(['load', '-q', '-i', built.archive], { timeoutMs: 120_000, signal: ctx.signal });
    await daemon.docker.call(['push', built.ref], { timeoutMs: 120_000, signal: ctx.signal });
  } finally {
    await daemon.release();
  }
  const manifest = parseSchema2Manifest(await getManifest({ address, name: 'victim' }, 'v1', ctx.signal));
  return { ref: built.ref, layers: manifest.layers, diffIds: built.diffIds.map((d) => `sha256:${d}`) };
}

/** The attacker repository: the victim's blobs mounted, a config of the store's diffIDs, the manifest pairing them. */
async function publishAttacker(env: AttackEnv, address: string, victim: Victim): Promise<string> {
  const repo = { address, name: 'attacker' };
  for (const layer of victim.layers) await mountBlob(repo, layer.digest, 'victim', env.ctx.signal);
  const config = attackerConfig(env.image.diffIds, goArch(process.arch));
  const descriptor = configDescriptor(config);
  await uploadBlob(repo, config, descriptor.digest, env.ctx.signal);
  await putManifest(repo, 'v1', craftedManifest(descriptor, victim.layers, env.image.diffIds.length), env.ctx.signal);
  return `${address}/attacker:v1`;
}

/** The victim blobs the daemon's metadata pairs with a diffID other than the victim's own: what poisons it. */
async function poisonedPairs(dataRoot: string, victim: Victim): Promise<string[]> {
  const pairs: string[] = [];
  for (const [k, layer] of victim.layers.entries()) {
    const file = join(dataRoot, 'image/overlay2/distribution/diffid-by-digest/sha256', layer.digest.slice('sha256:'.length));
    const diffId = (await readFile(file, 'utf8').catch(orIfMissing(''))).trim(); // no pair recorded: the good case
    if (diffId && diffId !== victim.diffIds[k]) pairs.push(`${layer.digest.slice(7, 19)}→${diffId.slice(7, 19)}`);
  }
  return pairs;
}

/** docker pull VICTIM, then a container reads the victim's top file: both must be the victim's own. */
async function pullVictim(env: AttackEnv, daemon: Awaited<ReturnType<typeof attackDaemon>>, victim: Victim) {
  const top = env.image.diffIds.length;
  const pull = await attempt(env.ctx, daemon.docker, ['pull', victim.ref]);
  const seen = pull.exitCode === 0 ? await catInContainer(env.ctx, daemon.docker, victim.ref, `/${victimFile(top)}`) : undefined;
  const ok = pull.exitCode === 0 && seen?.stdout === victimText(top).trimEnd();
  return { ok, detail: `pull exit ${pull.exitCode} (${clip(lastLine(pull.message))}), /${victimFile(top)} reads ${JSON.stringify(seen?.stdout ?? '(no run)')}` };
}

async function attackThenVictim(env: AttackEnv, attacker: string, victim: Victim, verify: VerifyMode | undefined, registryLog: string): Promise<void> {
  const { ctx } = env;
  const mode = verify ?? 'content';
  const label = `attack 5 (verify ${mode}${verify ? '' : ', the default'}): registry-assisted pull of ${attacker}-extra (victim's blobs, the store's diffIDs)`;
  const name = `registry-${mode}`;
  const root = await copyStore(ctx, env.store, name);
  try {
    await attackAndPull(env, { label, name, root, attacker, victim, verify, registryLog });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function attackAndPull(env: AttackEnv, c: { label: string; name: string; root: string; attacker: string; victim: Victim; verify: VerifyMode | undefined; registryLog: string }): Promise<void> {
  const { ctx } = env;
  const { label, name, root, attacker, victim, verify } = c;
  const first = await attackDaemon(ctx, name, root, verify);
  const logBefore = (await readFile(c.registryLog, 'utf8').catch(orIfMissing(''))).length;
  const pull = await attempt(ctx, first.docker, ['pull', `${attacker}-extra`]);
  const asked = manifestRequests((await readFile(c.registryLog, 'utf8').catch(orIfMissing(''))).slice(logBefore), 'attacker');
  ctx.results.check(`${label}: the registry is asked for the manifest once (the pinned pull reads the copy the extra pull kept)`,
    asked.length === 1 && asked[0]!.startsWith('GET '), asked.join(', ') || 'no manifest request in the registry log');
  // On success docker's last line is only the name; the status line before it says what happened.
  const tail = pull.message.split('\n').filter((l) => l.trim()).slice(-2).join(' | ');
  ctx.results.note(`${label}: the attacker's pull exits ${pull.exitCode} after ${pull.ms} ms: ${clip(tail, 300)}`);
  const poisoned = await poisonedPairs(first.dataRoot, victim);
  ctx.results.check(`${label}: no victim blob is paired with a store diffID in the daemon's distribution metadata`, poisoned.length === 0,
    `recorded ${poisoned.join(', ')} (blob→diffID never downloaded)`);
  const before = await pullVictim(env, first, victim);
  ctx.results.check(`${label}: then docker pull ${victim.ref} succeeds and a container reads the victim's own file`, before.ok, before.detail);
  await attempt(ctx, first.docker, ['rmi', victim.ref]);
  await first.release();
  // Same data-root, a new process: what the pull recorded on disk is all that is left of it.
  const again = await attackDaemon(ctx, name, root, verify);
  const after = await pullVictim(env, again, victim);
  await again.release();
  ctx.results.check(`${label}: after docker rmi of the victim and a daemon restart, the victim pulls and runs its own file again`, after.ok, after.detail);
}

export async function runRegistryMapping(env: AttackEnv): Promise<void> {
  const { ctx } = env;
  const registryLog = join(ctx.logDir, 'docker-registry.log');
  const registry = await startRegistry(join(ctx.work, 'registry'), registryLog);
  const stopRegistry = ctx.teardown.defer('stop docker-registry', () => registry.stop());
  try {
    const victim = await publishVictim(env, registry.address);
    await checkAssistedCounters(ctx, env.store.mountPoint, victim.ref, victim.layers.length);
    if (ctx.containerdStore) {
      ctx.results.skip('attack 5 (registry mapping recorded unchecked) on the containerd image store',
        "its checks read the graph driver's blob→diffID records (image/overlay2/distribution); the containerd store keeps no such records: a layer is found by the chain ID of the image's own config");
      return;
    }
    const attacker = await publishAttacker(env, registry.address, victim);
    ctx.results.note(`attack 5: ${victim.ref} pushed (${victim.layers.length} layers); ${attacker} lists its blobs with the store image's diffIDs`);
    for (const verify of [undefined, 'trusted'] as const) await attackThenVictim(env, attacker, victim, verify, registryLog);
  } finally {
    await stopRegistry();
  }
}
