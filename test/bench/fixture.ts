/** A benchmark record built in code, for the formatter tests: two sizes, known medians. */
import type { PeerResult } from '../../src/bench/peer.ts';
import { RECORD_SCHEMA, type BenchRecord, type RunSample, type SizeResult } from '../../src/bench/record.ts';
import { summarizeRuns } from '../../src/bench/stats.ts';

const MIB = 1024 ** 2;

export function sizeResult(size: number, runs: RunSample[], extra: Partial<SizeResult> = {}): SizeResult {
  return { size, image: { ref: `127.0.0.1:5000/bench/scaled:10x${size}`, imageId: 'ab'.repeat(32), layers: 10, tarBytes: size + 10_240 }, runs, metrics: summarizeRuns(runs), peers: [], ...extra };
}

export function run(overrides: RunSample = {}): RunSample {
  return {
    registryPullMs: 2000, extraPullMs: 160, contentPullMs: 900, tagMs: 20,
    registryColdFirstOutputMs: 300, extraColdFirstOutputMs: 330, registryWarmFirstOutputMs: 150, extraWarmFirstOutputMs: 155,
    extraPullStoreBytesRead: 1_290_240, contentPullStoreBytesRead: 67_108_864, extraColdRunStoreBytesRead: 200_000, extraWarmRunStoreBytesRead: 0,
    registryPullBytesWritten: 140_000_000, extraPullBytesWritten: 400_000, registryPullEgressBytes: 60 * MIB,
    ...overrides,
  };
}

export function record(sizes: SizeResult[], peers: PeerResult[] = []): BenchRecord {
  return {
    schema: RECORD_SCHEMA, date: '2026-12-06T14:00:00.000Z', host: 'vm',
    machine: { cpus: 2, cpuModel: 'test cpu', memoryBytes: 24 * 1024 ** 3 }, kernel: '6.18.44',
    versions: { dockerd: '28.5.2-extra.1', dockerCli: 'Docker version 28.2.2, build e6534b4', registry: 'docker-registry 2.8.2+ds1' },
    dockerdPath: '/tmp/dockerd', plan: { sizes: sizes.map((s) => s.size), layers: 10, runs: 3, fleet: 0, quick: false }, method: {},
    sizes: sizes.map((s, i) => (i === sizes.length - 1 && peers.length ? { ...s, peers } : s)),
    honesty: [{ name: 'every extra pull did not touch the registry', ok: true }],
  };
}

export const SMALL = 64 * MIB;
export const BIG = 1024 ** 3;
