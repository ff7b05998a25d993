/**
 * The targets as ratios computed from one record: each one measured at the largest size the
 * record holds (the targets are stated for 1 GiB), met or missed, or not measurable and why.
 */
import type { PeerResult, PeerSample } from './peer.ts';
import type { BenchRecord, MetricName, SizeResult } from './record.ts';
import { median } from './stats.ts';

export interface TargetCheck {
  name: string;
  /** The measured figure, or undefined when this record cannot give it. */
  value?: number;
  unit: 'ratio' | 'bytes';
  goal: string;
  met?: boolean;
  /** The size the figure is taken at, or why there is no figure. */
  note: string;
}

const med = (s: SizeResult, m: MetricName) => s.metrics[m]?.median;

/** The size whose figures the targets use: the largest measured. */
export function targetSize(record: Pick<BenchRecord, 'sizes'>): SizeResult | undefined {
  return [...record.sizes].sort((a, b) => b.size - a.size)[0];
}

/** A peer that ran, by name (case-insensitive substring), with its samples. */
export function ranPeer(peers: readonly PeerResult[], name: string): (PeerResult & { samples: PeerSample[] }) | undefined {
  return peers.find((p): p is PeerResult & { samples: PeerSample[] } => 'samples' in p && !p.error && p.samples.length > 0 && p.peer.toLowerCase().includes(name));
}

function check(name: string, value: number | undefined, unit: TargetCheck['unit'], goal: string, ok: (v: number) => boolean, note: string, missing: string): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) return { name, unit, goal, note: missing };
  return { name, value, unit, goal, met: ok(value), note };
}

export function targetChecks(record: Pick<BenchRecord, 'sizes'>): TargetCheck[] {
  const big = targetSize(record);
  if (!big) return [];
  const small = [...record.sizes].sort((a, b) => a.size - b.size)[0]!;
  const at = `at ${big.size} bytes`;
  const div = (a?: number, b?: number) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
  const extra = med(big, 'extraPullMs');
  const podman = ranPeer(big.peers, 'podman');
  const podmanCold = podman ? median(podman.samples.map((s) => s.coldFirstOutputMs)) : undefined;
  const extraPlusCold = extra !== undefined && med(big, 'extraColdFirstOutputMs') !== undefined ? extra + med(big, 'extraColdFirstOutputMs')! : undefined;
  return [
    check('extra pull faster than the registry pull (registry ÷ extra)', div(med(big, 'registryPullMs'), extra), 'ratio', '≥ 100×', (v) => v >= 100, at, 'no registry or extra pull measured'),
    check('extra pull against the docker tag floor (extra ÷ tag)', div(extra, med(big, 'tagMs')), 'ratio', '≤ 2×', (v) => v <= 2, at, 'no tag floor measured'),
    check('flat across sizes (largest ÷ smallest extra pull)', big === small ? undefined : div(extra, med(small, 'extraPullMs')), 'ratio', '≤ 1.5×', (v) => v <= 1.5, `${big.size} vs ${small.size} bytes`, 'one size only'),
    check('store bytes read at pull, per layer', div(med(big, 'extraPullStoreBytesRead'), big.image.layers), 'bytes', '< 64 KiB', (v) => v < 64 * 1024, at, "the store's device has no read counter"),
    check('cold first output, extra-pulled ÷ registry-pulled', div(med(big, 'extraColdFirstOutputMs'), med(big, 'registryColdFirstOutputMs')), 'ratio', '≤ 1.2×', (v) => v <= 1.2, at, 'no cold runs measured'),
    check('extra pull + cold first output ÷ Podman cold run', div(extraPlusCold, podmanCold), 'ratio', '≤ 1×', (v) => v <= 1, at, podmanMissing(big.peers)),
  ];
}

function podmanMissing(peers: readonly PeerResult[]): string {
  const p = peers.find((x) => x.peer.toLowerCase().includes('podman'));
  if (!p) return 'the Podman peer was not in this run';
  if ('skipped' in p) return `Podman skipped: ${p.skipped}`;
  return p.error ? `Podman failed: ${p.error}` : 'Podman gave no samples';
}
