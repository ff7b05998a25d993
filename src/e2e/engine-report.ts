/**
 * What the engine tells an operator about the store, as data: the Prometheus text the daemon serves
 * on `metrics-addr` parsed into series, the moves the e2e's pulls must cause, and docker info's
 * storage-driver rows. Pure; report-checks.ts reads the real daemon.
 */

/** The prefix of every series the feature adds. */
export const METRICS_PREFIX = 'engine_extra_storage_';

/** Counter values by series, keyed `name{label=value,...}` with the labels sorted. */
export type Series = Map<string, number>;

export function seriesKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`).sort();
  return `${name}{${pairs.join(',')}}`;
}

/** The series of a Prometheus text exposition whose names start with prefix. */
export function parseMetrics(text: string, prefix = METRICS_PREFIX): Series {
  const series: Series = new Map();
  for (const line of text.split('\n')) {
    const m = /^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})?\s+(?<value>\S+)/.exec(line);
    const { name = '', labels: text = '', value = '' } = m?.groups ?? {};
    if (!name || !name.startsWith(prefix)) continue;
    const labels: Record<string, string> = {};
    for (const pair of text.matchAll(/(?<k>[a-zA-Z_][a-zA-Z0-9_]*)="(?<v>(?:[^"\\]|\\.)*)"/g)) labels[pair.groups?.k ?? ''] = pair.groups?.v ?? '';
    series.set(seriesKey(name, labels), Number(value));
  }
  return series;
}

/** after − before for every series that moved (a series absent before counts from 0). */
export function moved(before: Series, after: Series): Series {
  const out: Series = new Map();
  for (const [key, value] of after) {
    const d = value - (before.get(key) ?? 0);
    if (d !== 0) out.set(key, d);
  }
  return out;
}

/** What a daemon's extra pulls did, in the terms of the counters. */
export interface PullsDone {
  /** NAME:TAG-extra pulls served from the store. */
  storeOk: number;
  /** Layers linked by them, and found on the host already. */
  linked: number;
  present: number;
  /** The store's layerdb `size` of every layer linked, summed. */
  linkedBytes: number;
  /** Pulls of a name the store lacks that failed at the registry. */
  assistedFailed: number;
  /** Pulls with the store unmounted. */
  unavailable: number;
  /** Registry-assisted pulls that worked, and the layers they downloaded or found present. */
  assistedOk?: number;
  downloaded?: number;
  assistedPresent?: number;
}

/** The counters that must have moved, and by how much; every other must not have. */
export function expectedMoves(done: PullsDone): Series {
  const p = METRICS_PREFIX;
  const all: [string, Record<string, string>, number][] = [
    [`${p}pulls_total`, { mode: 'store', outcome: 'ok' }, done.storeOk],
    [`${p}pulls_total`, { mode: 'store', outcome: 'unavailable' }, done.unavailable],
    [`${p}pulls_total`, { mode: 'registry-assisted', outcome: 'failed' }, done.assistedFailed],
    [`${p}layers_total`, { mode: 'store', source: 'linked' }, done.linked],
    [`${p}layers_total`, { mode: 'store', source: 'present' }, done.present],
    [`${p}bytes_not_downloaded_total`, { mode: 'store' }, done.linkedBytes],
    [`${p}store_errors_total`, { kind: 'unavailable' }, done.unavailable],
    [`${p}pulls_total`, { mode: 'registry-assisted', outcome: 'ok' }, done.assistedOk ?? 0],
    [`${p}layers_total`, { mode: 'registry-assisted', source: 'downloaded' }, done.downloaded ?? 0],
    [`${p}layers_total`, { mode: 'registry-assisted', source: 'present' }, done.assistedPresent ?? 0],
  ];
  return new Map(all.filter(([, , n]) => n !== 0).map(([name, labels, n]) => [seriesKey(name, labels), n]));
}

/** The differences between two sets of moves, one line each; none when they agree. */
export function compareMoves(want: Series, got: Series): string[] {
  const keys = [...new Set([...want.keys(), ...got.keys()])].sort();
  return keys.filter((k) => (want.get(k) ?? 0) !== (got.get(k) ?? 0)).map((k) => `${k}: want +${want.get(k) ?? 0}, got +${got.get(k) ?? 0}`);
}

/** `docker info --format '{{json .DriverStatus}}'` as a map of row name → value. */
export function driverRows(json: string): Map<string, string> {
  const rows = JSON.parse(json) as unknown;
  if (!Array.isArray(rows)) return new Map();
  return new Map(rows.filter((r): r is [string, string] => Array.isArray(r) && r.length === 2).map(([k, v]) => [String(k), String(v)]));
}

/** The feature's lines of a metrics text (HELP, TYPE and samples). */
export function featureLines(text: string): string[] {
  return text.split('\n').filter((l) => l.includes(METRICS_PREFIX));
}
