/**
 * Issue 15: extra-storage on v29's containerd image store. dockerd runs on a containerd of the
 * test's own with extra-snapshotter as its snapshotter ("storage-driver": "extra"). The phase pulls
 * NAME:TAG-extra (layers linked by the snapshotter, no byte copied, only metadata written), runs,
 * saves (and keeps no layer copy after), pulls NAME:extra, tells ordinary tags and names the store
 * lacks from its own, pulls the same image through a registry (only manifest and config
 * downloaded), survives a dockerd restart and a snapshotter restart, fails clearly with the
 * snapshotter gone, removes everything with rmi, and leaves the store unchanged; dockerd refuses to
 * start with a snapshotter that cannot link. The graph-driver run's other scenarios follow on this
 * store (run-e2e.ts), each host with a snapshotter of its own (extra-host.ts).
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { logOffset, requestsBetween, startRegistry } from '../bench/registry.ts';
import { orIfMissing } from '../errors.ts';
import type { BuiltImage } from './build-image.ts';
import { checkContainerFiles } from './container-run.ts';
import { SNAPSHOTTER, mountsBelow, startContainerdEnv, type ContainerdEnv } from './containerd-env.ts';
import { errorText, startPrivateDaemon, type E2eContext } from './context.ts';
import { diskBytes, readCacheId } from './data-root.ts';
import { LABEL_SOURCE } from './extra-host.ts';
import { inspectDiffIds, inspectImageId, removeTags, type DockerClient } from './docker.ts';
import { DaemonStartError } from './errors.ts';
import type { ImageSpec } from './image-spec.ts';
import { pidsMentioning, sleep } from './processes.ts';
import { MAX_BYTES_PER_LAYER, MAX_PULL_MS } from './pull-checks.ts';
import { checkOrdinaryPulls } from './phase-mounted.ts';
import { checkInfo as checkStoreInfo, checkMetrics, freeMetricsAddress, readMetrics, storeLayerBytes, type StoreFacts } from './report-checks.ts';
import { checkSave } from './save-check.ts';
import { fingerprintTree, READ_ONLY, type PreparedStore } from './store.ts';
import { mount, unmountAll } from './mounts.ts';
import { diffEntries } from './tree-checksum.ts';

const LABEL = 'containerd image store';
const LINKED = 'Linked from extra storage';

type Started = Awaited<ReturnType<typeof startPrivateDaemon>>;

export async function runContainerdPhase(ctx: E2eContext, spec: ImageSpec, image: BuiltImage, store: PreparedStore, snapshotter: string): Promise<void> {
  let env: ContainerdEnv;
  try {
    env = await startContainerdEnv(ctx, snapshotter, store.mountPoint);
    ctx.results.pass(`${LABEL}: containerd runs with extra-snapshotter as its proxy plugin "${SNAPSHOTTER}"`);
  } catch (error) {
    ctx.results.fail(`${LABEL}: containerd runs with extra-snapshotter as its proxy plugin "${SNAPSHOTTER}"`, errorText(error));
    return;
  }
  await checkRefusal(ctx, env, store);
  const dataRoot = join(ctx.work, 'local-ctd');
  const start = (name: string, extra: Record<string, unknown> = {}) =>
    startPrivateDaemon(ctx, name, { ...daemonConfig(store), ...extra }, dataRoot, { storageDriver: SNAPSHOTTER, containerd: env.paths.containerdSocket });
  const metricsAddress = await freeMetricsAddress();
  let daemon: Started;
  try {
    daemon = await start('ctd', { 'metrics-addr': metricsAddress });
    ctx.results.pass(`${LABEL}: patched dockerd starts on it with extra-storage and "storage-driver": "${SNAPSHOTTER}"`);
    const log = await readFile(daemon.logFile, 'utf8').catch(orIfMissing('')); // no log: the check fails, saying so
    ctx.results.check(`${LABEL}: start-up log names the store in use`, log.includes(store.mountPoint), `no line of ${daemon.logFile} mentions ${store.mountPoint}`);
  } catch (error) {
    ctx.results.fail(`${LABEL}: patched dockerd starts on it with extra-storage and "storage-driver": "${SNAPSHOTTER}"`, errorText(error));
    return;
  }
  await checkInfo(ctx, daemon.docker, spec, image, store);
  const before = await readMetrics(metricsAddress, ctx.signal).catch(() => ({ text: '', series: new Map<string, number>() }));
  const pulled = await pullExtra(ctx, env, daemon.docker, dataRoot, image, store);
  if (pulled) {
    await checkContainerFiles(ctx, daemon.docker, spec, `${image.ref}-extra`, `${LABEL}: run`, true);
    await checkSave(ctx, daemon.docker, image, `${image.ref}-extra`, LABEL);
    await checkNoLayerCopy(ctx, env, image);
  }
  await checkLatestAlias(ctx, daemon.docker, spec, image);
  await checkOrdinaryPulls(ctx, daemon.docker, spec, LABEL);
  await checkRegistryPull(ctx, daemon.docker, spec, image);
  // NAME:TAG-extra and NAME:extra from the store, a name it lacks failing at the registry, and one
  // pulled from it, whose layers the plain pull of the same image had linked before (present).
  const n = image.chainIds.length;
  const linkedBytes = pulled ? await storeLayerBytes(store.mountPoint, image.chainIds) : 0;
  await checkMetrics(ctx, LABEL, metricsAddress, before.series,
    { storeOk: pulled ? 2 : 1, linked: pulled ? n : 0, present: pulled ? n : 0, linkedBytes, assistedFailed: 1, unavailable: 0, assistedOk: 1, assistedPresent: n });
  await daemon.release();

  try {
    daemon = await start('ctd-restarted');
  } catch (error) {
    ctx.results.fail(`${LABEL}: patched dockerd restarts on the same data-root`, errorText(error));
    return;
  }
  const id = await inspectImageId(daemon.docker, `${image.ref}-extra`);
  ctx.results.check(`${LABEL}: the image survives a daemon restart`, id !== undefined && id === pulled, `after restart ${image.ref}-extra is ${id ?? 'missing'}, was ${pulled ?? 'not pulled'}`);
  if (id) await checkSnapshotterHung(ctx, env, daemon.docker, image);
  if (id) {
    const keeper = await daemon.docker.call(['run', '-d', '--network', 'none', '--name', 'ctd-keeper', `${image.ref}-extra`, '/bin/busybox', 'sleep', '600'], { reject: false, timeoutMs: 60_000 });
    await env.stopSnapshotter();
    await checkSnapshotterGone(ctx, daemon.docker, image);
    await env.startSnapshotter();
    const back = await env.waitSnapshotter();
    ctx.results.check(`${LABEL}: containerd reaches extra-snapshotter again after its restart`, back, 'ctr snapshots ls still failed after 30 s');
    await checkKeeper(ctx, daemon.docker, keeper.exitCode === 0 ? 'ctd-keeper' : undefined, keeper.stderr.trim());
    await checkContainerFiles(ctx, daemon.docker, spec, `${image.ref}-extra`, `${LABEL}: after dockerd and extra-snapshotter restarts`, false);
  }
  await checkRemoval(ctx, env, daemon.docker, spec, image);
  await checkPullWithoutStore(ctx, daemon.docker, spec, image, store);
  await daemon.release();
  const after = await fingerprintTree(store.mountPoint);
  ctx.results.check(`${LABEL}: store tree checksum unchanged (content, names, modes, links)`, after.digest === store.treeDigest,
    `${store.treeDigest.slice(0, 16)} → ${after.digest.slice(0, 16)}: ${diffEntries(store.entries, after.entries).join(', ')}`);
}

function daemonConfig(store: PreparedStore): Record<string, unknown> {
  return { 'extra-storage': { path: store.mountPoint }, features: { 'containerd-snapshotter': true } };
}

/** containerd's own overlayfs cannot link a store layer: dockerd must refuse to start, naming the fix. */
async function checkRefusal(ctx: E2eContext, env: ContainerdEnv, store: PreparedStore): Promise<void> {
  const name = `${LABEL}: dockerd with extra-storage refuses to start on containerd's overlayfs snapshotter, and names "storage-driver": "${SNAPSHOTTER}"`;
  try {
    const daemon = await startPrivateDaemon(ctx, 'ctd-overlayfs', daemonConfig(store), undefined, { storageDriver: 'overlayfs', containerd: env.paths.containerdSocket });
    await daemon.release();
    ctx.results.fail(name, 'it started');
  } catch (error) {
    if (!(error instanceof DaemonStartError)) return ctx.results.fail(name, errorText(error));
    const lines = (await readFile(error.logFile, 'utf8').catch(orIfMissing(''))).split('\n').filter((l) => l.includes('needs extra-snapshotter'));
    ctx.results.check(name, lines.some((l) => l.includes(`"storage-driver": \\"${SNAPSHOTTER}\\"`) || l.includes(`"storage-driver": "${SNAPSHOTTER}"`)), lines.at(-1) ?? error.message);
  }
}

/** docker info names the snapshotter as the driver, and shows the store's rows as on the graph-driver store. */
async function checkInfo(ctx: E2eContext, docker: DockerClient, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<void> {
  const info = await docker.call(['info', '--format', '{{.Driver}}'], { reject: false, timeoutMs: 30_000 });
  ctx.results.check(`${LABEL}: docker info names the snapshotter as its storage driver`, info.stdout.trim() === SNAPSHOTTER, `${info.stdout.trim()} ${info.stderr.trim()}`.slice(0, 300));
  await checkStoreInfo(ctx, docker, LABEL, storeFacts(spec, image, store), true);
}

function storeFacts(spec: ImageSpec, image: BuiltImage, store: PreparedStore): StoreFacts {
  return { mountPoint: store.mountPoint, device: store.device, type: 'ext4', tags: [image.ref, `${spec.repo}:latest`] };
}

/** The local footprint: dockerd's data-root, containerd's root and the snapshotter's root. */
async function localBytes(env: ContainerdEnv, dataRoot: string): Promise<number> {
  let sum = 0;
  for (const dir of [dataRoot, env.paths.containerdRoot, env.paths.snapshotterRoot]) sum += (await diskBytes(dir)).apparent;
  return sum;
}

/** Returns the image's ID after the pull, undefined when it failed. */
async function pullExtra(ctx: E2eContext, env: ContainerdEnv, docker: DockerClient, dataRoot: string, image: BuiltImage, store: PreparedStore): Promise<string | undefined> {
  const ref = `${image.ref}-extra`;
  const before = await localBytes(env, dataRoot);
  const started = performance.now();
  const result = await docker.call(['pull', ref], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
  const ms = Math.round(performance.now() - started);
  if (result.exitCode !== 0) {
    ctx.results.fail(`${LABEL}: docker pull ${ref} is served from the store`, result.stderr.trim() || result.stdout.trim());
    return undefined;
  }
  const written = (await localBytes(env, dataRoot)) - before;
  const n = image.diffIds.length;
  const linked = result.stdout.split('\n').filter((l) => l.includes(LINKED)).length;
  ctx.results.check(`${LABEL}: docker pull ${ref} is served from the store, each layer "${LINKED}"`, linked === n, `${linked} of ${n} layers said so:\n${result.stdout.trim()}`);
  ctx.results.figure(`${LABEL}: pull time (verify content)`, ms, 'ms');
  ctx.results.figure(`${LABEL}: local bytes written by the pull (dockerd, containerd and snapshotter roots, apparent)`, written, 'bytes');
  ctx.results.check(`${LABEL}: pull completes in under ${MAX_PULL_MS / 1000} s (target: well under 1 s; see the figure)`, ms < MAX_PULL_MS, `took ${ms} ms`);
  ctx.results.check(`${LABEL}: pull writes at most ${MAX_BYTES_PER_LAYER / 1024} KiB per layer locally (no layer data copied)`, written <= MAX_BYTES_PER_LAYER * n, `${written} bytes for ${n} layers`);
  const ids = await Promise.all([image.ref, ref].map((r) => inspectImageId(docker, r)));
  const diffIds = (await inspectDiffIds(docker, ref)) ?? [];
  const same = ids[0] !== undefined && ids[0] === ids[1] && diffIds.join() === image.diffIds.map((d) => `sha256:${d}`).join();
  ctx.results.check(`${LABEL}: image is tagged ${image.ref} and ${ref}, one image with the store's diffIDs`, same, `ids ${ids.join(', ')}; layers ${diffIds.join(', ')}`);
  const layerMounts = (await mountsBelow(env.paths.snapshotterState)).filter((m) => m.mountPoint.includes('/layers/'));
  ctx.results.check(`${LABEL}: each layer is a read-only bind mount of the store's directory (no copy)`,
    layerMounts.length >= n && layerMounts.every((m) => m.options.includes('ro')),
    `layer mounts below the snapshotter's state: ${layerMounts.map((m) => `${m.mountPoint} (${m.options.join(',')})`).join(', ') || 'none'}`);
  await checkLinkedSources(ctx, env, image, store);
  return ids[1];
}

/** What `docker image inspect` says on the graph-driver store, the snapshots' labels say here: each layer's directory in the store. */
async function checkLinkedSources(ctx: E2eContext, env: ContainerdEnv, image: BuiltImage, store: PreparedStore): Promise<void> {
  const wrong: string[] = [];
  for (const chain of image.chainIds) {
    const want = join(store.mountPoint, 'overlay2', (await readCacheId(store.mountPoint, chain)) ?? '?', 'diff');
    const got = (await env.snapshotLabels(`sha256:${chain}`))?.[LABEL_SOURCE];
    if (got !== want) wrong.push(`${chain.slice(0, 12)}: ${got ?? 'no label'}, want ${want}`);
  }
  ctx.results.check(`${LABEL}: each layer's snapshot names its directory in the store (label ${LABEL_SOURCE})`, wrong.length === 0, wrong.join('; '));
}

/** The save rebuilt the layer blobs under its lease only: once it is gone, the content store holds none of them. */
async function checkNoLayerCopy(ctx: E2eContext, env: ContainerdEnv, image: BuiltImage): Promise<void> {
  const blobs = join(env.paths.containerdRoot, 'io.containerd.content.v1.content', 'blobs', 'sha256');
  // The config the pull wrote is there: this is where containerd keeps blobs, so an absent layer is absent.
  if (!existsSync(join(blobs, image.imageId))) {
    return ctx.results.fail(`${LABEL}: after docker save, containerd's content store keeps no layer of the image`, `no config blob at ${blobs}: not containerd's content store`);
  }
  let kept: string[] = [];
  for (let waited = 0; waited <= 20_000; waited += 1000) {
    kept = image.diffIds.filter((d) => existsSync(join(blobs, d)));
    if (kept.length === 0) break;
    await sleep(1000);
  }
  ctx.results.check(`${LABEL}: after docker save, containerd's content store keeps no layer of the image (the rebuilt blobs were the save's only)`, kept.length === 0,
    `still there after 20 s: ${kept.map((d) => d.slice(0, 12)).join(', ')}`);
}

async function checkLatestAlias(ctx: E2eContext, docker: DockerClient, spec: ImageSpec, image: BuiltImage): Promise<void> {
  const ref = `${spec.repo}:extra`;
  const result = await docker.call(['pull', ref], { reject: false, timeoutMs: 90_000, signal: ctx.signal });
  const [latest, extra] = await Promise.all([`${spec.repo}:latest`, `${image.ref}-extra`].map((r) => inspectImageId(docker, r)));
  ctx.results.check(`${LABEL}: docker pull ${ref} serves ${spec.repo}:latest from the store`, result.exitCode === 0 && latest !== undefined && latest === extra,
    `exit ${result.exitCode}, ${spec.repo}:latest is ${latest ?? 'missing'}: ${result.stderr.trim()}`);
}

/**
 * The same image pushed to a registry under another name: a plain pull downloads its manifest and
 * config and no layer (the snapshotter links them by chain ID), and says which layers it linked; the
 * same name with -extra, which the store does not hold, goes to the registry and is tagged both ways.
 */
async function checkRegistryPull(ctx: E2eContext, docker: DockerClient, spec: ImageSpec, image: BuiltImage): Promise<void> {
  const name = `${LABEL}: a registry pull of an image whose layers the store holds downloads only manifest and config, and says which layers were linked`;
  const registryLog = join(ctx.logDir, 'docker-registry-ctd.log');
  let registry;
  try {
    registry = await startRegistry(join(ctx.work, 'registry-ctd'), registryLog);
  } catch (error) {
    return ctx.results.fail(name, errorText(error));
  }
  const stop = ctx.teardown.defer('stop docker-registry (containerd phase)', () => registry.stop());
  const ref = `${registry.address}/e2e/ctd:v1`;
  try {
    const pusher = await startPrivateDaemon(ctx, 'ctd-push', {});
    try {
      await pusher.docker.call(['load', '-q', '-i', image.archive], { timeoutMs: 120_000, signal: ctx.signal });
      await pusher.docker.call(['tag', image.ref, ref]);
      await pusher.docker.call(['push', ref], { timeoutMs: 120_000, signal: ctx.signal });
    } finally {
      await pusher.release();
    }
    const from = await logOffset(registryLog);
    const pulled = await docker.call(['pull', ref], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
    await sleep(500); // the access log line of the last request
    const requests = await requestsBetween(registryLog, from, await logOffset(registryLog));
    // The config may be there already (the -extra pull wrote the store's): any other blob is a layer.
    const blobs = requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/') && !r.path.endsWith(image.imageId));
    const linked = pulled.stdout.split('\n').filter((l) => l.includes(LINKED)).length;
    const n = image.diffIds.length;
    const manifests = requests.filter((r) => r.path.includes('/manifests/'));
    ctx.results.check(name, pulled.exitCode === 0 && manifests.length > 0 && blobs.length === 0 && linked === n,
      `exit ${pulled.exitCode}; layer blobs downloaded: ${blobs.map((r) => r.path.split('/').pop()?.slice(0, 19)).join(', ') || 'none'}; ${linked} of ${n} layers said "${LINKED}"; requests: ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    ctx.results.note(`registry requests of the pull of ${ref}: ${requests.map((r) => `${r.method} ${r.path} ${r.status}`).join('; ')}`);
    await checkContainerFiles(ctx, docker, spec, ref, `${LABEL}: the registry-pulled image`, false);
    // Its linked layers were never downloaded: their registry blobs cannot be saved, and a save
    // must say so rather than write an archive without them.
    const saved = await docker.call(['save', '-o', join(ctx.work, 'registry-image.tar'), ref], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
    const said = saved.stderr.trim();
    ctx.results.check(`${LABEL}: docker save of the registry-pulled image refuses, naming the layer linked from the store (no archive without it)`,
      saved.exitCode !== 0 && said.includes('linked from the extra storage') && said.includes('docker save cannot include it'),
      `exit ${saved.exitCode}: ${said.slice(0, 300)}`);

    const assisted = await docker.call(['pull', `${ref}-extra`], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
    const [a, b] = await Promise.all([ref, `${ref}-extra`].map((r) => inspectImageId(docker, r)));
    ctx.results.check(`${LABEL}: docker pull NAME:TAG-extra of an image the store lacks pulls it from its registry and tags it both ways`,
      assisted.exitCode === 0 && a !== undefined && a === b, `exit ${assisted.exitCode}: ${(assisted.stderr.trim() || assisted.stdout.trim()).slice(0, 300)}; ${ref} ${a ?? 'missing'}, -extra ${b ?? 'missing'}`);
    await docker.call(['rmi', ref, `${ref}-extra`], { reject: false, timeoutMs: 60_000 });
  } catch (error) {
    ctx.results.fail(name, errorText(error));
  } finally {
    await stop();
  }
}

/** A hung extra-snapshotter (stopped, its socket still there): NAME:TAG-extra fails within dockerd's bound. */
async function checkSnapshotterHung(ctx: E2eContext, env: ContainerdEnv, docker: DockerClient, image: BuiltImage): Promise<void> {
  const name = `${LABEL}: with extra-snapshotter hung, docker pull ${image.ref}-extra fails within its bound, naming the snapshotter (no hang)`;
  const pids = await pidsMentioning(env.paths.snapshotterSocket);
  if (pids.length === 0) return ctx.results.fail(name, 'no extra-snapshotter process found');
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  try {
    const started = performance.now();
    const result = await docker.call(['pull', `${image.ref}-extra`], { reject: false, timeoutMs: 120_000, signal: ctx.signal });
    const ms = Math.round(performance.now() - started);
    const message = result.stderr.trim();
    ctx.results.figure(`${LABEL}: time for a pull to fail with extra-snapshotter hung`, ms, 'ms');
    ctx.results.check(name, result.exitCode !== 0 && ms < 90_000 && message.includes('did not answer'), `exit ${result.exitCode} after ${ms} ms: ${message.slice(0, 300)}`);
  } finally {
    for (const pid of pids) process.kill(pid, 'SIGCONT');
  }
}

/** With extra-snapshotter gone, a pull and a run fail with a message within the bound, not hang. */
async function checkSnapshotterGone(ctx: E2eContext, docker: DockerClient, image: BuiltImage): Promise<void> {
  const name = `${LABEL}: with extra-snapshotter stopped, docker run fails clearly (no hang)`;
  const started = performance.now();
  const result = await docker.call(['run', '--rm', '--network', 'none', `${image.ref}-extra`, 'true'], { reject: false, timeoutMs: 90_000, signal: ctx.signal });
  const ms = Math.round(performance.now() - started);
  const message = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
  ctx.results.check(name, result.exitCode !== 0 && ms < 90_000 && message.length > 0, `exit ${result.exitCode} after ${ms} ms: ${message.slice(0, 300)}`);
  if (result.exitCode !== 0) ctx.results.note(`run with extra-snapshotter stopped (${ms} ms): ${message}`);
}

/** A container started before the snapshotter went away reads its files the whole time: its mounts are the kernel's. */
async function checkKeeper(ctx: E2eContext, docker: DockerClient, name: string | undefined, startError: string): Promise<void> {
  const check = `${LABEL}: a container running across the snapshotter's stop and restart keeps reading its files`;
  if (!name) {
    await docker.call(['rm', '-f', 'ctd-keeper'], { reject: false, timeoutMs: 60_000 }); // created, not started
    return ctx.results.fail(check, `the container did not start: ${startError}`);
  }
  const read = await docker.call(['exec', name, 'cat', '/data/keep.txt'], { reject: false, timeoutMs: 30_000 });
  const running = await docker.call(['inspect', '--format', '{{.State.Running}}', name], { reject: false, timeoutMs: 30_000 });
  ctx.results.check(check, read.exitCode === 0 && read.stdout.length > 0 && running.stdout.trim() === 'true',
    `exec: exit ${read.exitCode} ${read.stderr.trim()}; running: ${running.stdout.trim()}`);
  await docker.call(['rm', '-f', name], { reject: false, timeoutMs: 60_000 });
}

/** With the store unmounted (no layer of it in use any more), NAME:TAG-extra fails clearly and works again once remounted. */
async function checkPullWithoutStore(ctx: E2eContext, docker: DockerClient, spec: ImageSpec, image: BuiltImage, store: PreparedStore): Promise<void> {
  const name = `${LABEL}: with the store unmounted, docker pull ${image.ref}-extra fails clearly (no hang), and works again once remounted`;
  await unmountAll(store.mountPoint);
  const started = performance.now();
  const result = await docker.call(['pull', `${image.ref}-extra`], { reject: false, timeoutMs: 90_000, signal: ctx.signal });
  const ms = Math.round(performance.now() - started);
  await checkStoreInfo(ctx, docker, LABEL, storeFacts(spec, image, store), false);
  await mount(store.device, store.mountPoint, READ_ONLY, ctx.signal);
  const again = await docker.call(['pull', `${image.ref}-extra`], { reject: false, timeoutMs: 90_000, signal: ctx.signal });
  const message = result.stderr.trim();
  ctx.results.check(name, result.exitCode !== 0 && ms < 90_000 && /extra storage/.test(message) && again.exitCode === 0,
    `unmounted: exit ${result.exitCode} after ${ms} ms (${message.slice(0, 200)}); remounted: exit ${again.exitCode} ${again.stderr.trim().slice(0, 200)}`);
  await docker.call(['rmi', image.ref, `${image.ref}-extra`], { reject: false, timeoutMs: 60_000 });
}

async function checkRemoval(ctx: E2eContext, env: ContainerdEnv, docker: DockerClient, spec: ImageSpec, image: BuiltImage): Promise<void> {
  const { result, left } = await removeTags(docker, [image.ref, `${image.ref}-extra`, `${spec.repo}:latest`, `${spec.repo}:extra`]);
  let snapshots = '';
  let layerMounts: string[] = [];
  for (let waited = 0; waited <= 20_000; waited += 1000) {
    const listed = await env.ctr(['snapshots', '--snapshotter', SNAPSHOTTER, 'ls']);
    snapshots = listed.exitCode === 0 ? listed.stdout.split('\n').slice(1).filter((l) => l.trim()).join('; ') : `(ctr failed: ${listed.stderr.trim()})`;
    layerMounts = (await mountsBelow(env.paths.snapshotterState)).map((m) => m.mountPoint).filter((m) => m.includes('/layers/'));
    if (!snapshots && layerMounts.length === 0) break;
    await sleep(1000);
  }
  ctx.results.check(`${LABEL}: docker rmi removes the images, their snapshots and the layers' mounts`, result.exitCode === 0 && left.length === 0 && !snapshots && layerMounts.length === 0,
    `exit ${result.exitCode} ${result.stderr.trim()}; images left ${left.length}; snapshots left: ${snapshots || 'none'}; layer mounts left: ${layerMounts.join(', ') || 'none'}`);
}
