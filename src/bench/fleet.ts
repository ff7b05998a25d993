/**
 * --fleet N: N consumer daemons, each with its own data-root, exec-root and socket, sharing the one
 * read-only store, all pulling the same NAME:TAG-extra at once after the page cache is dropped; the
 * spread of their pull times and what the store's device served to all of them.
 */
import type { BuiltImage } from '../e2e/build-image.ts';
import type { DockerClient } from '../e2e/docker.ts';
import { sizeLabel } from './units.ts';
import { checkNoRegistryTraffic, checkTags } from './honesty.ts';
import { blockCounters, timePull } from './measure.ts';
import type { FleetResult, HonestyCheck } from './record.ts';
import { logOffset, requestsBetween } from './registry.ts';
import { goCold, tagsOf } from './round.ts';
import type { LoopFilesystem } from './bench-store.ts';
import { spread } from './stats.ts';

export async function measureFleet(hosts: readonly DockerClient[], store: LoopFilesystem, registryLog: string, image: BuiltImage, size: number): Promise<{ fleet: FleetResult; checks: HonestyCheck[] }> {
  const ref = image.ref;
  const extraRef = `${ref}-extra`;
  const label = sizeLabel(size);
  await goCold(store);
  const log0 = await logOffset(registryLog);
  const r0 = (await blockCounters(store.device))?.readBytes ?? NaN;
  const pullMs = await Promise.all(hosts.map((docker) => timePull(docker, extraRef)));
  const r1 = (await blockCounters(store.device))?.readBytes ?? NaN;
  const checks: HonestyCheck[] = [];
  for (const docker of hosts) checks.push(checkTags(`every fleet host's extra pull of the ${label} image`, `sha256:${image.imageId}`, await tagsOf(docker, [ref, extraRef])));
  checks.push(checkNoRegistryTraffic(`the fleet's extra pulls of the ${label} image`, await requestsBetween(registryLog, log0, await logOffset(registryLog))));
  for (const docker of hosts) await docker.call(['rmi', ref, extraRef]);
  return { fleet: { hosts: hosts.length, pullMs, spread: spread(pullMs), storeBytesRead: r1 - r0 }, checks };
}
