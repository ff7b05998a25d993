/** Medians, p95s and the record's file name: the arithmetic of a benchmark, over plain numbers. */
import { METRICS, type MetricName, type MetricSummary, type RunSample } from './record.ts';

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank 95th percentile: with fewer than 20 samples, the largest. */
export function p95(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)]!;
}

export function summarizeValues(values: readonly number[]): MetricSummary {
  return { median: median(values), p95: p95(values), samples: [...values] };
}

/** Per metric, the summary of the runs that have it (a metric no run has is left out). */
export function summarizeRuns(runs: readonly RunSample[]): Partial<Record<MetricName, MetricSummary>> {
  const out: Partial<Record<MetricName, MetricSummary>> = {};
  for (const name of METRICS) {
    const values = runs.map((r) => r[name]).filter((v): v is number => v !== undefined);
    if (values.length) out[name] = summarizeValues(values);
  }
  return out;
}

/** min / median / max of concurrent pulls. */
export function spread(values: readonly number[]): { min: number; median: number; max: number } {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** A file name that sorts by time and never collides between hosts. */
export function recordFileName(date: Date, host: string): string {
  return `${date.toISOString().replace(/[:.]/g, '-')}-${host.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;
}
