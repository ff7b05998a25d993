/**
 * One round of the interleaved loop for one image: the registry pull, the docker tag floor, the
 * extra pull (verify trusted), the extra pull on the verify-content daemon, and the cold and warm
 * first output of each pulled image; the store's and the data-root's counters around each step; and
 * the honesty checks (tags after every pull, no registry request during the extra pulls).
 */
import type { BuiltImage } from '../e2e/build-image.ts';
import { inspectImageId, type DockerClient } from '../e2e/docker.ts';
import { sizeLabel } from './units.ts';
import { checkNoRegistryTraffic, checkTags } from './honesty.ts';
import { blockCounters, dropCaches, syncFilesystem, timeFirstOutput, timePull, timeTag } from './measure.ts';
import type { HonestyCheck, MetricName, RunSample } from './record.ts';
import { egressBytes } from './registry-log.ts';
import { logOffset, requestsBetween } from './registry.ts';
import { remountStore, type LoopFilesystem } from './bench-store.ts';

export interface RoundEnv {
  cli: string;
  /** The daemon with extra-storage, verify trusted; its data-root is on dataRoot's device. */
  consumer: DockerClient;
  /** The same store with verify content. */
  content: DockerClient;
  store: LoopFilesystem;
  dataRoot: LoopFilesystem;
  registryLog: string;
}

export interface RoundResult {
  sample: RunSample;
  checks: HonestyCheck[];
}

const diff = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : b - a);

/** Page cache dropped and the store remounted: what the next step reads comes from the devices. */
export async function goCold(store: LoopFilesystem): Promise<void> {
  await dropCaches();
  await remountStore(store);
}

export async function tagsOf(docker: DockerClient, refs: readonly string[]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const ref of refs) out[ref] = await inspectImageId(docker, ref);
  return out;
}

/** What every way of a round shares: the refs, the sample being filled, the checks, the counters. */
interface Round {
  env: RoundEnv;
  ref: string;
  extraRef: string;
  id: string;
  label: string;
  sample: RunSample;
  checks: HonestyCheck[];
  set(metric: MetricName, value: number | undefined): void;
  storeRead(): Promise<number | undefined>;
  /** The data-root's sectors written so far, after a syncfs. */
  written(): Promise<number | undefined>;
}

export async function measureRound(env: RoundEnv, image: BuiltImage, size: number): Promise<RoundResult> {
  const sample: RunSample = {};
  const round: Round = {
    env, ref: image.ref, extraRef: `${image.ref}-extra`, id: `sha256:${image.imageId}`, label: sizeLabel(size), sample, checks: [],
    set: (m, v) => void (v === undefined ? undefined : (sample[m] = v)),
    storeRead: async () => (await blockCounters(env.store.device))?.readBytes,
    written: async () => {
      await syncFilesystem(env.dataRoot.mountPoint);
      return (await blockCounters(env.dataRoot.device))?.writtenBytes;
    },
  };
  const log0 = await logOffset(env.registryLog);
  await registryWay(round, image.imageId.slice(0, 12));
  const log1 = await logOffset(env.registryLog);
  sample.registryPullEgressBytes = egressBytes(await requestsBetween(env.registryLog, log0, log1));
  await extraWay(round);
  await contentWay(round);
  const requests = await requestsBetween(env.registryLog, log1, await logOffset(env.registryLog));
  round.checks.push(checkNoRegistryTraffic(`every extra pull of the ${round.label} image (both verify modes)`, requests));
  return { sample, checks: round.checks };
}

/** The registry pull, its cold and warm first output, then the floor: a tag of the image it pulled. */
async function registryWay(r: Round, floorTag: string): Promise<void> {
  const { cli, consumer, store } = r.env;
  await goCold(store);
  const w0 = await r.written();
  r.sample.registryPullMs = await timePull(consumer, r.ref);
  r.set('registryPullBytesWritten', diff(w0, await r.written()));
  r.checks.push(checkTags(`every registry pull of the ${r.label} image`, r.id, await tagsOf(consumer, [r.ref])));
  await goCold(store);
  r.sample.registryColdFirstOutputMs = await timeFirstOutput(cli, consumer, r.ref);
  r.sample.registryWarmFirstOutputMs = await timeFirstOutput(cli, consumer, r.ref);
  const floorRef = `bench/floor:${floorTag}`;
  r.sample.tagMs = await timeTag(consumer, r.ref, floorRef);
  await consumer.call(['rmi', floorRef, r.ref]);
}

/** The extra pull with verify trusted, and the cold and warm first output of what it linked. */
async function extraWay(r: Round): Promise<void> {
  const { cli, consumer, store } = r.env;
  await goCold(store);
  const w0 = await r.written();
  let r0 = await r.storeRead();
  r.sample.extraPullMs = await timePull(consumer, r.extraRef);
  r.set('extraPullStoreBytesRead', diff(r0, await r.storeRead()));
  r.set('extraPullBytesWritten', diff(w0, await r.written()));
  r.checks.push(checkTags(`every extra pull (verify trusted) of the ${r.label} image`, r.id, await tagsOf(consumer, [r.ref, r.extraRef])));
  await goCold(store);
  r0 = await r.storeRead();
  r.sample.extraColdFirstOutputMs = await timeFirstOutput(cli, consumer, r.extraRef);
  const r1 = await r.storeRead();
  r.sample.extraWarmFirstOutputMs = await timeFirstOutput(cli, consumer, r.extraRef);
  r.set('extraColdRunStoreBytesRead', diff(r0, r1));
  r.set('extraWarmRunStoreBytesRead', diff(r1, await r.storeRead()));
  await consumer.call(['rmi', r.ref, r.extraRef]);
}

/** The extra pull on the verify-content daemon (the mode is a daemon setting): the first one hashes. */
async function contentWay(r: Round): Promise<void> {
  const { content, store } = r.env;
  await goCold(store);
  const r0 = await r.storeRead();
  r.sample.contentPullMs = await timePull(content, r.extraRef);
  r.set('contentPullStoreBytesRead', diff(r0, await r.storeRead()));
  r.checks.push(checkTags(`every extra pull (verify content) of the ${r.label} image`, r.id, await tagsOf(content, [r.ref, r.extraRef])));
  await content.call(['rmi', r.ref, r.extraRef]);
}
