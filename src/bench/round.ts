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

export async function measureRound(env: RoundEnv, image: BuiltImage, size: number): Promise<RoundResult> {
  const { cli, consumer, content, store, dataRoot, registryLog } = env;
  const ref = image.ref;
  const extraRef = `${ref}-extra`;
  const id = `sha256:${image.imageId}`;
  const label = sizeLabel(size);
  const sample: RunSample = {};
  const checks: HonestyCheck[] = [];
  const set = (m: MetricName, v: number | undefined) => (v === undefined ? undefined : (sample[m] = v));
  const storeRead = async () => (await blockCounters(store.device))?.readBytes;
  const written = async () => {
    await syncFilesystem(dataRoot.mountPoint);
    return (await blockCounters(dataRoot.device))?.writtenBytes;
  };

  // The registry way, then the floor (a tag of the image it pulled).
  await goCold(store);
  const log0 = await logOffset(registryLog);
  let w0 = await written();
  sample.registryPullMs = await timePull(consumer, ref);
  set('registryPullBytesWritten', diff(w0, await written()));
  checks.push(checkTags(`every registry pull of the ${label} image`, id, await tagsOf(consumer, [ref])));
  await goCold(store);
  sample.registryColdFirstOutputMs = await timeFirstOutput(cli, consumer, ref);
  sample.registryWarmFirstOutputMs = await timeFirstOutput(cli, consumer, ref);
  const floorRef = `bench/floor:${image.imageId.slice(0, 12)}`;
  sample.tagMs = await timeTag(consumer, ref, floorRef);
  await consumer.call(['rmi', floorRef, ref]);
  const log1 = await logOffset(registryLog);
  sample.registryPullEgressBytes = egressBytes(await requestsBetween(registryLog, log0, log1));

  // The extra way, verify trusted.
  await goCold(store);
  w0 = await written();
  let r0 = await storeRead();
  sample.extraPullMs = await timePull(consumer, extraRef);
  set('extraPullStoreBytesRead', diff(r0, await storeRead()));
  set('extraPullBytesWritten', diff(w0, await written()));
  checks.push(checkTags(`every extra pull (verify trusted) of the ${label} image`, id, await tagsOf(consumer, [ref, extraRef])));
  await goCold(store);
  r0 = await storeRead();
  sample.extraColdFirstOutputMs = await timeFirstOutput(cli, consumer, extraRef);
  const r1 = await storeRead();
  sample.extraWarmFirstOutputMs = await timeFirstOutput(cli, consumer, extraRef);
  set('extraColdRunStoreBytesRead', diff(r0, r1));
  set('extraWarmRunStoreBytesRead', diff(r1, await storeRead()));
  await consumer.call(['rmi', ref, extraRef]);

  // The extra way, verify content (its own daemon: the mode is a daemon setting).
  await goCold(store);
  r0 = await storeRead();
  sample.contentPullMs = await timePull(content, extraRef);
  set('contentPullStoreBytesRead', diff(r0, await storeRead()));
  checks.push(checkTags(`every extra pull (verify content) of the ${label} image`, id, await tagsOf(content, [ref, extraRef])));
  await content.call(['rmi', ref, extraRef]);

  const requests = await requestsBetween(registryLog, log1, await logOffset(registryLog));
  checks.push(checkNoRegistryTraffic(`every extra pull of the ${label} image (both verify modes)`, requests));
  return { sample, checks };
}
