/**
 * The benchmark: generated images of each size, one store holding all of them, one patched dockerd
 * (extra-storage, verify trusted) whose data-root has its own device, a second one with verify
 * content, and a loopback registry with an access log. Every round measures every way for every size
 * (interleaved, so drift hits all ways alike); then the fleet, then the peers; then the store is
 * hashed again. Everything lives under one /tmp folder and is torn down at the end.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildImageArchive, type BuiltImage } from '../e2e/build-image.ts';
import { startPrivateDaemon, type E2eContext } from '../e2e/context.ts';
import { findDockerCli, type DockerClient } from '../e2e/docker.ts';
import { daemonConfigFor } from '../e2e/engine-line.ts';
import { NotRootError } from '../e2e/errors.ts';
import { unmountAll } from '../e2e/mounts.ts';
import { Results } from '../e2e/results.ts';
import { Teardown } from '../e2e/teardown.ts';
import { sha256File } from '../digest.ts';
import { CancelledError } from '../errors.ts';
import { loopFilesystem, prepareBenchStore, type BenchStore } from './bench-store.ts';
import { machine, kernel, versions } from './environment.ts';
import { measureFleet } from './fleet.ts';
import { checkStoreUnchanged, foldChecks } from './honesty.ts';
import { PROBE } from './measure.ts';
import type { RunPlan } from './options.ts';
import type { Peer, PeerResult } from './peer.ts';
import { measurePeer } from './peer-run.ts';
import { RECORD_SCHEMA, type BenchRecord, type FleetResult, type HonestyCheck, type RunSample } from './record.ts';
import { startRegistry, type Registry } from './registry.ts';
import { measureRound, type RoundEnv } from './round.ts';
import { scaledImageSpec } from './scaled-image.ts';
import { summarizeRuns } from './stats.ts';
import { sizeLabel } from './units.ts';

export interface BenchOptions extends Omit<RunPlan, 'kind' | 'peers'> {
  dockerd: string;
  busybox: string;
  /** The peer columns (src/bench/peers/); each measures itself against the same image and registry. */
  peers: readonly Peer[];
  signal: AbortSignal;
  note: (text: string) => void;
}

export const METHOD: Record<string, string> = {
  order: 'per run, for each size: registry pull, cold and warm first output, docker tag floor; extra pull (verify trusted), cold and warm first output; extra pull on a second daemon with verify content',
  cold: 'sync; echo 3 > /proc/sys/vm/drop_caches, and the store unmounted and mounted read-only again, before each pull and each cold first output',
  storeBytesRead: "sectors read by the store's loop device (/sys/block/loopN/stat field 3) around the step",
  localBytesWritten: "sectors written by the consumer daemon's data-root loop device (its own ext4; /sys/block/loopN/stat field 7), syncfs before and after the pull",
  registryBytes: "response bytes in the registry's access log during the registry pull",
  firstOutput: `docker run --rm --network none IMAGE ${PROBE.join(' ')}, from the CLI's start to the first line it prints`,
  store: 'ext4 on a loop device, prepared by the same dockerd without extra-storage, mounted ro,noload',
};

export async function runBench(options: BenchOptions): Promise<BenchRecord> {
  if (process.getuid?.() !== 0) throw new NotRootError('the benchmark');
  const teardown = new Teardown();
  const work = await mkdtemp('/tmp/dxb-');
  teardown.defer(`remove ${work}`, () => rm(work, { recursive: true, force: true }));
  const ctx: E2eContext = {
    work, logDir: join(work, 'logs'), dockerCli: await findDockerCli(), dockerd: options.dockerd,
    lineConfig: (await daemonConfigFor(options.dockerd, options.signal)).config, teardown,
    results: new Results((e) => (e.type === 'note' ? options.note(e.text) : undefined)), signal: options.signal,
  };
  try {
    return await measureAll(ctx, options);
  } finally {
    for (const problem of await teardown.release()) options.note(`teardown: ${problem}`);
  }
}

async function measureAll(ctx: E2eContext, o: BenchOptions): Promise<BenchRecord> {
  const registry = await startRegistry(join(ctx.work, 'registry'), join(ctx.logDir, 'registry.log'));
  ctx.teardown.defer('stop registry', () => registry.stop());
  const images = await buildImages(ctx, o, registry.address);
  o.note('preparing the store (store add loads every image through the engine, then it is copied onto its filesystem)');
  const store = await prepareBenchStore(ctx, images);
  const largest = Math.max(...images.map((i) => i.layerSizes.reduce((a, b) => a + b, 0)));
  const dataRoot = await loopFilesystem(ctx, 'consumer', Math.ceil((3 * largest) / 2 ** 20) + 1024);
  const extra = (verify: string) => ({ 'extra-storage': { path: store.mountPoint, verify } });
  const consumer = await startPrivateDaemon(ctx, 'consumer', extra('trusted'), join(dataRoot.mountPoint, 'root'));
  const content = await startPrivateDaemon(ctx, 'verify-content', extra('content'));
  await pushImages(consumer.docker, images, o.note);
  const env: RoundEnv = { cli: ctx.dockerCli, consumer: consumer.docker, content: content.docker, store, dataRoot, registryLog: registry.logFile };
  const checks: HonestyCheck[] = [];
  const runs = await measureRounds(env, images, o, checks);
  const fleets = o.fleet > 0 ? await measureFleets(ctx, o, store, registry, images, checks) : [];
  const peers = await measurePeers(ctx, o, registry, images);
  const found = await versions(ctx.dockerCli, consumer.docker);
  await content.release();
  await consumer.release();
  checks.push(await checkStoreAfter(store));
  return {
    schema: RECORD_SCHEMA, date: new Date().toISOString(), host: hostname(), machine: machine(), kernel: kernel(), versions: found,
    dockerdPath: o.dockerd, plan: { sizes: o.sizes, layers: o.layers, runs: o.runs, fleet: o.fleet, quick: o.quick }, method: METHOD,
    sizes: images.map((image, i) => ({
      size: o.sizes[i]!,
      image: { ref: image.ref, imageId: image.imageId, layers: image.diffIds.length, tarBytes: image.layerSizes.reduce((a, b) => a + b, 0) },
      runs: runs[i]!, metrics: summarizeRuns(runs[i]!), ...(fleets[i] ? { fleet: fleets[i] } : {}), peers: peers[i]!,
    })),
    honesty: foldChecks(checks),
  };
}

async function buildImages(ctx: E2eContext, o: BenchOptions, registryAddress: string): Promise<BuiltImage[]> {
  const images: BuiltImage[] = [];
  for (const [i, size] of o.sizes.entries()) {
    o.note(`generating the ${sizeLabel(size)}, ${o.layers}-layer image`);
    const spec = scaledImageSpec({ busybox: o.busybox, totalBytes: size, layers: o.layers, repo: `${registryAddress}/bench/scaled` });
    images.push(await buildImageArchive(spec, join(ctx.work, `image-${i}`), ctx.signal));
  }
  return images;
}

/** Into the registry through the consumer daemon, which then forgets them. */
async function pushImages(docker: DockerClient, images: readonly BuiltImage[], note: (text: string) => void): Promise<void> {
  for (const image of images) {
    note(`pushing ${image.ref} to the loopback registry`);
    await docker.call(['load', '-q', '-i', image.archive], { timeoutMs: 900_000 });
    await docker.call(['push', '-q', image.ref], { timeoutMs: 1_800_000 });
    await docker.call(['rmi', image.ref]);
  }
}

async function measureRounds(env: RoundEnv, images: readonly BuiltImage[], o: BenchOptions, checks: HonestyCheck[]): Promise<RunSample[][]> {
  const runs: RunSample[][] = images.map(() => []);
  for (let r = 0; r < o.runs; r++) {
    for (const [i, image] of images.entries()) {
      if (o.signal.aborted) throw new CancelledError('the benchmark');
      o.note(`run ${r + 1}/${o.runs}, ${sizeLabel(o.sizes[i]!)}`);
      const round = await measureRound(env, image, o.sizes[i]!);
      runs[i]!.push(round.sample);
      checks.push(...round.checks);
    }
  }
  return runs;
}

async function measureFleets(ctx: E2eContext, o: BenchOptions, store: BenchStore, registry: Registry, images: readonly BuiltImage[], checks: HonestyCheck[]): Promise<FleetResult[]> {
  o.note(`starting a fleet of ${o.fleet} consumer daemons on the same store`);
  const hosts = [];
  for (let h = 0; h < o.fleet; h++) hosts.push(await startPrivateDaemon(ctx, `fleet-${h + 1}`, { 'extra-storage': { path: store.mountPoint, verify: 'trusted' } }));
  const fleets: FleetResult[] = [];
  for (const [i, image] of images.entries()) {
    o.note(`fleet of ${o.fleet}: pulling the ${sizeLabel(o.sizes[i]!)} image on every host at once`);
    const result = await measureFleet(hosts.map((h) => h.docker), store, registry.logFile, image, o.sizes[i]!);
    fleets.push(result.fleet);
    checks.push(...result.checks);
  }
  for (const host of hosts) await host.release();
  return fleets;
}

async function measurePeers(ctx: E2eContext, o: BenchOptions, registry: Registry, images: readonly BuiltImage[]): Promise<PeerResult[][]> {
  const out: PeerResult[][] = [];
  for (const [i, image] of images.entries()) {
    const results: PeerResult[] = [];
    for (const peer of o.peers) {
      o.note(`peer ${peer.name}, ${sizeLabel(o.sizes[i]!)}`);
      const work = join(ctx.work, `peer-${peer.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${i}`);
      await mkdir(work, { recursive: true });
      const input = { image, work, logDir: ctx.logDir, runs: o.runs, registry: { address: registry.address, ref: image.ref }, probe: PROBE, teardown: ctx.teardown, signal: ctx.signal, note: o.note };
      results.push(await measurePeer(peer, input));
    }
    out.push(results);
  }
  return out;
}

/** The store unmounted (every daemon using it stopped) and its filesystem image hashed again. */
async function checkStoreAfter(store: BenchStore): Promise<HonestyCheck> {
  await unmountAll(store.mountPoint);
  return checkStoreUnchanged(store.blockDigest, await sha256File(store.imageFile));
}
