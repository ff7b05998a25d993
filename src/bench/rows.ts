/**
 * The rows both the stdout table and the README show: one label per figure, one cell per image size
 * ("median (p95)" for times, the median for bytes), then the fleet and each peer's column. Made once
 * here so the two renderings cannot disagree.
 */
import type { PeerResult, PeerSample } from './peer.ts';
import type { BenchRecord, MetricName, MetricSummary, SizeResult } from './record.ts';
import { median, p95 } from './stats.ts';
import { formatBytes, formatMs } from './units.ts';

export interface Row {
  label: string;
  cells: string[];
}

const timeCell = (s?: MetricSummary) => (s ? `${formatMs(s.median)} (${formatMs(s.p95)})` : '-');
const bytesCell = (s?: MetricSummary) => (s ? formatBytes(s.median) : '-');
const firstBytes = (s?: MetricSummary) => (s?.samples.length ? formatBytes(s.samples[0]!) : '-');
const laterBytes = (s?: MetricSummary) => (s && s.samples.length > 1 ? formatBytes(median(s.samples.slice(1))) : '-');
/** One value is shown alone: its p95 is itself. */
const timesCell = (values: readonly number[]) => (values.length === 0 ? '-' : values.length === 1 ? formatMs(values[0]!) : `${formatMs(median(values))} (${formatMs(p95(values))})`);

type Cell = (s: SizeResult) => string;
const time = (m: MetricName): Cell => (s) => timeCell(s.metrics[m]);
const bytes = (m: MetricName): Cell => (s) => bytesCell(s.metrics[m]);

const MAIN: readonly (readonly [string, Cell])[] = [
  ['registry pull, ms', time('registryPullMs')],
  ['extra pull (verify trusted), ms', time('extraPullMs')],
  ['extra pull, verify content: first (hashes), ms', (s) => timesCell(s.metrics.contentPullMs?.samples.slice(0, 1) ?? [])],
  ['extra pull, verify content: later, ms', (s) => timesCell(s.metrics.contentPullMs?.samples.slice(1) ?? [])],
  ['docker tag of a present image (floor), ms', time('tagMs')],
  ['first output cold, registry-pulled, ms', time('registryColdFirstOutputMs')],
  ['first output cold, extra-pulled, ms', time('extraColdFirstOutputMs')],
  ['first output warm, registry-pulled, ms', time('registryWarmFirstOutputMs')],
  ['first output warm, extra-pulled, ms', time('extraWarmFirstOutputMs')],
  ['store bytes read per extra pull', bytes('extraPullStoreBytesRead')],
  ['  per layer', (s) => (s.metrics.extraPullStoreBytesRead ? formatBytes(s.metrics.extraPullStoreBytesRead.median / s.image.layers) : '-')],
  ['store bytes read, verify content: first pull', (s) => firstBytes(s.metrics.contentPullStoreBytesRead)],
  ['store bytes read, verify content: later pulls', (s) => laterBytes(s.metrics.contentPullStoreBytesRead)],
  ['store bytes read, cold first run (extra)', bytes('extraColdRunStoreBytesRead')],
  ['store bytes read, warm first run (extra)', bytes('extraWarmRunStoreBytesRead')],
  ['local bytes written per registry pull', bytes('registryPullBytesWritten')],
  ['local bytes written per extra pull', bytes('extraPullBytesWritten')],
  ['registry bytes served per registry pull', bytes('registryPullEgressBytes')],
];

export function benchRows(record: Pick<BenchRecord, 'sizes'>): Row[] {
  const rows: Row[] = MAIN.map(([label, cell]) => ({ label, cells: record.sizes.map(cell) }));
  const fleet = record.sizes.find((s) => s.fleet)?.fleet;
  if (fleet) {
    rows.push({ label: `fleet of ${fleet.hosts}, pull ms min / median / max`, cells: record.sizes.map((s) => (s.fleet ? `${formatMs(s.fleet.spread.min)} / ${formatMs(s.fleet.spread.median)} / ${formatMs(s.fleet.spread.max)}` : '-')) });
    rows.push({ label: `fleet of ${fleet.hosts}, store bytes read (all hosts)`, cells: record.sizes.map((s) => (s.fleet ? formatBytes(s.fleet.storeBytesRead) : '-')) });
  }
  for (const name of peerNames(record.sizes)) rows.push(...peerRows(name, record.sizes.map((s) => s.peers.find((p) => p.peer === name))));
  return rows;
}

function peerNames(sizes: readonly SizeResult[]): string[] {
  return [...new Set(sizes.flatMap((s) => s.peers.map((p) => p.peer)))];
}

const PEER_FIGURES: readonly (readonly [string, (samples: PeerSample[]) => string])[] = [
  ['pull, ms', (ss) => timesCell(ss.flatMap((x) => (x.pullMs === undefined ? [] : [x.pullMs])))],
  ['first output cold, ms', (ss) => timesCell(ss.map((x) => x.coldFirstOutputMs))],
  ['first output warm, ms', (ss) => timesCell(ss.map((x) => x.warmFirstOutputMs))],
  ['store bytes read, cold run', (ss) => { const b = ss.flatMap((x) => (x.deviceBytesRead === undefined ? [] : [x.deviceBytesRead])); return b.length ? formatBytes(median(b)) : '-'; }],
];

/** A peer that ran gets its figures; one that did not gets one row with its reason in every cell. */
function peerRows(name: string, results: readonly (PeerResult | undefined)[]): Row[] {
  const why = (r: PeerResult | undefined) => (!r ? 'not run' : 'skipped' in r ? `skipped: ${r.skipped}` : r.error ? `failed: ${r.error}` : undefined);
  if (results.every((r) => why(r) !== undefined)) return [{ label: `${name}`, cells: results.map((r) => why(r)!) }];
  return PEER_FIGURES.map(([label, cell]) => ({ label: `${name}: ${label}`, cells: results.map((r) => why(r) ?? cell((r as { samples: PeerSample[] }).samples)) }));
}
