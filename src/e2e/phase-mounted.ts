/**
 * The main scenario, on a store the e2e mounted read-only itself: pull from it with the default
 * `"verify": "content"` (each layer hashed on first link), run, save, NAME:extra, the ordinary
 * `7extra` tag, a name the store lacks, the same pull with `"verify": "trusted"` for its time, restart,
 * rmi, and the store left unchanged; and what the engine reports of it all (docker info, inspect, metrics).
 */
import type { BuiltImage } from './build-image.ts';
import { errorText, startPrivateDaemon, type E2eContext } from './context.ts';
import { checkContainerFiles } from './container-run.ts';
import { layerChains } from './data-root.ts';
import { imageIds, inspectImageId, removeTags, type DockerClient } from './docker.ts';
import { holdsStoreImage, startExtraHost } from './extra-host.ts';
import type { ImageSpec } from './image-spec.ts';
import { mount, mountAt, unmountAll } from './mounts.ts';
import { pullFromStore } from './pull-checks.ts';
import { featureLines } from './engine-report.ts';
import { checkEngineReports, freeMetricsAddress, readMetrics } from './report-checks.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkSave } from './save-check.ts';
import { diffEntries } from './tree-checksum.ts';
import { fingerprintTree, READ_ONLY, type PreparedStore } from './store.ts';
import { orIfMissing } from '../errors.ts';

const LABEL = 'mounted store';

/** Returns the daemon's metrics text (the feature's lines) after the phase's pulls, for the e2e's closing lines. */
export async function runMountedPhase(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<string[] | undefined> {
  // No "verify": the engine's default, content, is what this phase proves.
  const config = { 'extra-storage': { path: store.mountPoint } };
  const dataRoot = join(ctx.work, 'local');
  const metricsAddress = await freeMetricsAddress();
  let daemon;
  try {
    daemon = await startPrivateDaemon(ctx, 'extra', { ...config, 'metrics-addr': metricsAddress }, dataRoot);
    ctx.results.pass(`${LABEL}: patched dockerd starts with extra-storage ${JSON.stringify(config['extra-storage'])}`);
  } catch (error) {
    ctx.results.fail(`${LABEL}: patched dockerd starts with extra-storage`, errorText(error));
    return;
  }
  const log = await readFile(daemon.logFile, 'utf8').catch(orIfMissing('')); // no log: the check fails, saying so
  ctx.results.check(`${LABEL}: start-up log names the store in use`, log.includes(store.mountPoint), `no line of ${daemon.logFile} mentions ${store.mountPoint}`);
  const before = await readMetrics(metricsAddress, ctx.signal).catch(() => ({ text: '', series: new Map<string, number>() }));
  const target = { docker: daemon.docker, dataRoot, storeRoot: store.mountPoint, label: LABEL, verify: 'content' as const };
  const pulled = await pullFromStore(ctx, target, image);
  if (pulled) {
    await checkContainerFiles(ctx, daemon.docker, spec, `${image.ref}-extra`, `${LABEL}: run`, true);
    await checkSave(ctx, daemon.docker, image, `${image.ref}-extra`, LABEL);
  }
  await checkLatestAlias(ctx, daemon.docker, spec, image);
  await checkOrdinaryPulls(ctx, daemon.docker, spec);
  // The pulls above: NAME:TAG-extra links every layer, NAME:extra finds them all, the name the store lacks fails at the registry.
  const n = image.chainIds.length;
  const reportStore = { mountPoint: store.mountPoint, device: store.device, type: 'ext4', tags: [image.ref, `${spec.repo}:latest`] };
  const metrics = await checkEngineReports(ctx, { docker: daemon.docker, label: LABEL, metricsAddress, before: before.series, store: reportStore, ref: `${image.ref}-extra`, chainIds: image.chainIds },
    { storeOk: pulled ? 2 : 1, linked: pulled ? n : 0, present: pulled ? n : 0, assistedFailed: 1 });
  await daemon.release();
  await measureTrustedPull(ctx, image, store);

  let restarted;
  try {
    restarted = await startPrivateDaemon(ctx, 'extra-restarted', config, dataRoot);
  } catch (error) {
    ctx.results.fail(`${LABEL}: patched dockerd restarts on the same data-root`, errorText(error));
    return;
  }
  const id = await inspectImageId(restarted.docker, `${image.ref}-extra`);
  ctx.results.check(`${LABEL}: the image survives a daemon restart`, id === `sha256:${image.imageId}`, `after restart ${image.ref}-extra is ${id ?? 'missing'}`);
  if (id) await checkContainerFiles(ctx, restarted.docker, spec, `${image.ref}-extra`, `${LABEL}: after restart`, false);
  if (id) await checkRunWithoutStore(ctx, restarted.docker, image, store);
  await checkRemoval(ctx, restarted.docker, dataRoot, spec, image);
  await restarted.release();

  const mounted = await mountAt(store.mountPoint);
  ctx.results.check(`${LABEL}: dockerd left the store mount it did not make in place`, mounted !== undefined, `${store.mountPoint} is no longer mounted`);
  const after = await fingerprintTree(store.mountPoint);
  ctx.results.check(`${LABEL}: store tree checksum unchanged (content, names, modes, links)`, after.digest === store.treeDigest,
    `${store.treeDigest.slice(0, 16)} → ${after.digest.slice(0, 16)}: ${diffEntries(store.entries, after.entries).join(', ')}`);
  return metrics ? featureLines(metrics.text) : undefined;
}

async function checkLatestAlias(ctx: E2eContext, docker: DockerClient, spec: ImageSpec, image: BuiltImage): Promise<void> {
  const ref = `${spec.repo}:extra`;
  const result = await docker.call(['pull', ref], { reject: false, timeoutMs: 90_000, signal: ctx.signal });
  const id = await inspectImageId(docker, `${spec.repo}:latest`);
  ctx.results.check(`${LABEL}: docker pull ${ref} serves ${spec.repo}:latest from the store`, result.exitCode === 0 && id === `sha256:${image.imageId}`,
    `exit ${result.exitCode}, ${spec.repo}:latest is ${id ?? 'missing'}: ${result.stderr.trim()}`);
}

/**
 * Both must fail without a registry (nothing listens at the repo's loopback address), fast, and leave
 * no image behind. The dashless tag is `<tag>extra`: were it taken for an extra tag, the store (which
 * holds `<tag>`) would serve it and the pull would succeed.
 */
export async function checkOrdinaryPulls(ctx: E2eContext, docker: DockerClient, spec: ImageSpec, label = LABEL): Promise<void> {
  const registryHost = spec.repo.split('/')[0];
  const cases = [
    { ref: `${spec.repo}:${spec.tag}extra`, what: 'a tag merely ending in "extra" is an ordinary registry pull (fails: no registry)', fromStore: false },
    { ref: `${registryHost}/e2e/not-in-store:v1-extra`, what: 'a name the store lacks fails clearly without a registry (no hang)', fromStore: true },
  ];
  for (const { ref, what, fromStore } of cases) {
    const before = await imageIds(docker);
    const started = performance.now();
    const result = await docker.call(['pull', ref], { reject: false, timeoutMs: 90_000, signal: ctx.signal });
    const ms = Math.round(performance.now() - started);
    const after = await imageIds(docker);
    const message = result.stderr.trim() || result.stdout.trim();
    const namesStore = /extra storage/.test(message);
    ctx.results.check(`${label}: ${what}`, result.exitCode !== 0 && ms < 90_000 && message.length > 0 && after.length === before.length && namesStore === fromStore,
      `exit ${result.exitCode} after ${ms} ms, images ${before.length} → ${after.length}: ${message.slice(0, 200)}`);
    if (result.exitCode !== 0) ctx.results.note(`${ref}: ${message.split('\n').pop()}`);
  }
}

async function checkRemoval(ctx: E2eContext, docker: DockerClient, dataRoot: string, spec: ImageSpec, image: BuiltImage): Promise<void> {
  const { result, left } = await removeTags(docker, [image.ref, `${image.ref}-extra`, `${spec.repo}:latest`, `${spec.repo}:extra`]);
  const chains = (await layerChains(dataRoot)).filter((c) => image.chainIds.includes(c));
  ctx.results.check(`${LABEL}: docker rmi removes the image and its local layers`, result.exitCode === 0 && left.length === 0 && chains.length === 0,
    `exit ${result.exitCode} ${result.stderr.trim()}; images left ${left.length}, layerdb entries left ${chains.length}`);
}

/** The store's mount gone under a registered image: `docker run` must fail with a message, not hang. */
async function checkRunWithoutStore(ctx: E2eContext, docker: DockerClient, image: BuiltImage, store: PreparedStore): Promise<void> {
  const name = `${LABEL}: with the store unmounted, docker run fails clearly (no hang), and works again once remounted`;
  await unmountAll(store.mountPoint);
  const started = performance.now();
  const result = await docker.call(['run', '--rm', '--network', 'none', `${image.ref}-extra`, 'cat', '/data/keep.txt'], { reject: false, timeoutMs: 60_000, signal: ctx.signal });
  const ms = Math.round(performance.now() - started);
  await mount(store.device, store.mountPoint, READ_ONLY, ctx.signal);
  const again = await docker.call(['run', '--rm', '--network', 'none', `${image.ref}-extra`, 'cat', '/data/keep.txt'], { reject: false, timeoutMs: 60_000, signal: ctx.signal });
  const message = result.stderr.trim();
  ctx.results.check(name, result.exitCode !== 0 && ms < 60_000 && message.length > 0 && again.exitCode === 0,
    `unmounted: exit ${result.exitCode} after ${ms} ms (${message.slice(0, 200)}); remounted: exit ${again.exitCode} ${again.stderr.trim().slice(0, 200)}`);
  if (result.exitCode !== 0) ctx.results.note(`run with the store unmounted: ${message.split('\n')[0]}`);
}

/**
 * The same first pull on a fresh data-root with `"verify": "trusted"`: no layer is hashed, so the
 * difference from the content pull's time is the cost of verification (64 MiB and busybox here).
 */
export async function measureTrustedPull(ctx: E2eContext, image: BuiltImage, store: PreparedStore, label = LABEL): Promise<void> {
  const name = `${label}: docker pull ${image.ref}-extra with "verify": "trusted" works (timed against verify content)`;
  try {
    const daemon = await startExtraHost(ctx, 'extra-trusted', { path: store.mountPoint, verify: 'trusted' });
    const started = performance.now();
    const result = await daemon.docker.call(['pull', `${image.ref}-extra`], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
    const ms = Math.round(performance.now() - started);
    const held = await holdsStoreImage(ctx, daemon.docker, `${image.ref}-extra`, image);
    await daemon.release();
    if (result.exitCode === 0) ctx.results.figure(`${label}: pull time (verify trusted)`, ms, 'ms');
    ctx.results.check(name, result.exitCode === 0 && held.ok, `exit ${result.exitCode}, ${held.detail}: ${result.stderr.trim()}`);
  } catch (error) {
    ctx.results.fail(name, errorText(error));
  }
}
