/**
 * The benchmark's JSON record, as types: what one run measured, per image size, with every raw
 * sample beside its median and p95, and the honesty checks that make the numbers believable.
 * Everything the table and the README say is computed from this record alone.
 */
import type { PeerResult } from './peer.ts';

export const RECORD_SCHEMA = 'dockerd-extra-bench/2';

/** Every per-run figure, in the order the table shows them. */
export const METRICS = [
  'registryPullMs',
  'extraPullMs',
  'contentPullMs',
  'tagMs',
  'registryColdFirstOutputMs',
  'extraColdFirstOutputMs',
  'registryWarmFirstOutputMs',
  'extraWarmFirstOutputMs',
  'extraPullStoreBytesRead',
  'contentPullStoreBytesRead',
  'extraColdRunStoreBytesRead',
  'extraWarmRunStoreBytesRead',
  'registryPullBytesWritten',
  'extraPullBytesWritten',
  'registryPullEgressBytes',
] as const;
export type MetricName = (typeof METRICS)[number];

/** One round of the interleaved loop for one size: every way measured once. */
export type RunSample = Partial<Record<MetricName, number>>;

export interface MetricSummary {
  median: number;
  p95: number;
  samples: number[];
}

export interface FleetResult {
  hosts: number;
  /** Each host's pull, all started at once. */
  pullMs: number[];
  spread: { min: number; median: number; max: number };
  /** Bytes read from the store's device while the whole fleet pulled (page cache dropped first). */
  storeBytesRead: number;
}

export interface SizeResult {
  /** The size asked for (--sizes), in bytes. */
  size: number;
  image: { ref: string; imageId: string; layers: number; tarBytes: number };
  runs: RunSample[];
  metrics: Partial<Record<MetricName, MetricSummary>>;
  fleet?: FleetResult;
  peers: PeerResult[];
}

export interface HonestyCheck {
  name: string;
  ok: boolean;
  /** Why it failed (or what was compared). */
  detail?: string;
}

export interface BenchRecord {
  schema: typeof RECORD_SCHEMA;
  date: string;
  host: string;
  machine: { cpus: number; cpuModel: string; memoryBytes: number };
  kernel: string;
  versions: { dockerd: string; dockerCli: string; registry: string };
  dockerdPath: string;
  plan: { sizes: number[]; layers: number; runs: number; fleet: number; quick: boolean };
  /** How each figure was taken, in words, so a reader of the JSON alone can judge it. */
  method: Record<string, string>;
  sizes: SizeResult[];
  honesty: HonestyCheck[];
}

export function isBenchRecord(value: unknown): value is BenchRecord {
  return typeof value === 'object' && value !== null && (value as { schema?: unknown }).schema === RECORD_SCHEMA;
}
