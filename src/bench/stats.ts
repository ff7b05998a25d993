/** The numbers of a benchmark: medians over runs, the table printed, the JSON record kept. */

export type ScenarioName = 'store' | 'store-content' | 'registry' | 'local';
export const SCENARIOS: readonly ScenarioName[] = ['local', 'registry', 'store', 'store-content'];

export interface RunSample {
  pullMs: number;
  firstOutputMs: number;
  /** Bytes read from the store's block device during the run (store scenario only). */
  deviceBytesRead?: number;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  samples: RunSample[];
  error?: string;
}

export interface ScenarioSummary {
  scenario: ScenarioName;
  runs: number;
  pullMs: number;
  /** The first run's pull: with verify content, the one that hashes the layers. */
  firstPullMs: number;
  firstOutputMs: number;
  totalMs: number;
  deviceBytesRead?: number;
  error?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(result: ScenarioResult): ScenarioSummary {
  const pull = median(result.samples.map((s) => s.pullMs));
  const first = median(result.samples.map((s) => s.firstOutputMs));
  const bytes = result.samples.map((s) => s.deviceBytesRead).filter((b): b is number => b !== undefined);
  return {
    scenario: result.scenario,
    runs: result.samples.length,
    pullMs: pull,
    firstPullMs: result.samples[0]?.pullMs ?? NaN,
    firstOutputMs: first,
    totalMs: median(result.samples.map((s) => s.pullMs + s.firstOutputMs)),
    ...(bytes.length ? { deviceBytesRead: median(bytes) } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}

const DESCRIPTIONS: Record<ScenarioName, string> = {
  store: 'pull NAME:TAG-extra from extra storage, verify trusted',
  'store-content': 'pull NAME:TAG-extra, verify content (the first run hashes; later ones reuse the check)',
  registry: 'pull from a loopback registry',
  local: 'image already local (no pull)',
};

export function formatTable(rows: readonly ScenarioSummary[]): string[] {
  const header = ['scenario', 'runs', 'pull ms', 'first pull ms', 'first output ms', 'total ms', 'store bytes read', 'what'];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.runs),
    fmt(r.pullMs),
    fmt(r.firstPullMs),
    fmt(r.firstOutputMs),
    fmt(r.totalMs),
    r.deviceBytesRead === undefined ? '-' : String(r.deviceBytesRead),
    r.error ? `FAILED: ${r.error}` : DESCRIPTIONS[r.scenario],
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

function fmt(value: number): string {
  return Number.isNaN(value) ? '-' : String(Math.round(value));
}

export interface BenchRecord {
  date: string;
  host: string;
  dockerd: string;
  image: { ref: string; layers: number; bytes: number };
  runs: number;
  results: ScenarioSummary[];
  samples: ScenarioResult[];
}

/** A file name that sorts by time and never collides between hosts. */
export function recordFileName(date: Date, host: string): string {
  return `${date.toISOString().replace(/[:.]/g, '-')}-${host.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;
}
