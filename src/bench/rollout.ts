/**
 * A rollout on paper: what N hosts pulling one image cost the store, against the registry egress the
 * same pulls would take, from the per-host figures one record measured. The per-host store bytes are
 * the single host's cold pull (page cache dropped, store remounted): hosts of a real fleet do not
 * share a page cache, as the daemons of `--fleet` on one machine do.
 */
import type { BenchRecord, SizeResult } from './record.ts';

export const ONE_GIB = 1024 ** 3;

export interface RolloutCost {
  hosts: number;
  /** The image size the figures come from (1 GiB when the record has it, else its largest). */
  size: number;
  storeBytesPerHost: number;
  storeBytes: number;
  registryBytesPerHost?: number;
  registryBytes?: number;
  /** registryBytes ÷ storeBytes. */
  saving?: number;
  /** What a cold first run then read from the store per host (the workload's own reads come on top). */
  coldRunBytesPerHost?: number;
}

export function rolloutSize(record: Pick<BenchRecord, 'sizes'>): SizeResult | undefined {
  return record.sizes.find((s) => s.size === ONE_GIB) ?? [...record.sizes].sort((a, b) => b.size - a.size)[0];
}

export function rolloutCost(record: Pick<BenchRecord, 'sizes'>, hosts = 10_000): RolloutCost | undefined {
  const size = rolloutSize(record);
  const perHost = size?.metrics.extraPullStoreBytesRead?.median;
  if (!size || perHost === undefined) return undefined;
  const registry = size.metrics.registryPullEgressBytes?.median;
  const coldRun = size.metrics.extraColdRunStoreBytesRead?.median;
  return {
    hosts,
    size: size.size,
    storeBytesPerHost: perHost,
    storeBytes: perHost * hosts,
    ...(registry !== undefined ? { registryBytesPerHost: registry, registryBytes: registry * hosts, ...(perHost > 0 ? { saving: registry / perHost } : {}) } : {}),
    ...(coldRun !== undefined ? { coldRunBytesPerHost: coldRun } : {}),
  };
}
