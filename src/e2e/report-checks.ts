/**
 * The checks of what the engine tells an operator, on a daemon of the mounted phase: `docker info`
 * names the store and its mount (and says when it is gone), `docker image inspect` names the layers
 * linked from it, and the counters on `metrics-addr` moved by exactly what the phase's pulls did.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { errorText, type E2eContext } from './context.ts';
import { layerDir } from './data-root.ts';
import type { DockerClient } from './docker.ts';
import { startExtraHost } from './extra-host.ts';
import { compareMoves, driverRows, expectedMoves, moved, parseMetrics, type PullsDone, type Series } from './engine-report.ts';
import { mount, unmountAll } from './mounts.ts';
import { READ_ONLY } from './store.ts';
import { orIfMissing } from '../errors.ts';

/** A loopback address with a port nothing listens on now, for `metrics-addr`. */
export async function freeMetricsAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port for metrics-addr');
  return `127.0.0.1:${address.port}`;
}

export interface MetricsSnapshot {
  text: string;
  series: Series;
}

export async function readMetrics(address: string, signal: AbortSignal): Promise<MetricsSnapshot> {
  const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
  if (!response.ok) throw new Error(`GET http://${address}/metrics: ${response.status}`);
  const text = await response.text();
  return { text, series: parseMetrics(text) };
}

/** The store's layerdb `size` of each chain, summed: what a linking pull counts as not downloaded. */
export async function storeLayerBytes(storeRoot: string, chainIds: readonly string[]): Promise<number> {
  let total = 0;
  for (const chain of chainIds) total += Number((await readFile(join(layerDir(storeRoot, chain), 'size'), 'utf8').catch(orIfMissing('NaN'))).trim());
  return total;
}

export interface StoreFacts {
  mountPoint: string;
  device: string;
  type: string;
  /** Tags the store offers, as docker info lists them. */
  tags: string[];
}

/** docker info shows the store, its mount and the images it offers. */
export async function checkInfo(ctx: E2eContext, docker: DockerClient, label: string, store: StoreFacts, mounted: boolean): Promise<void> {
  const name = `${label}: docker info shows the store ${mounted ? `mounted (${store.type} on ${store.device})` : 'unmounted'}`;
  try {
    const result = await docker.call(['info', '--format', '{{json .DriverStatus}}'], { timeoutMs: 30_000, signal: ctx.signal });
    const rows = driverRows(result.stdout);
    const want = new Map<string, string>([['Extra Storage', store.mountPoint]]);
    if (mounted) {
      want.set('Extra Storage Mounted', 'yes').set('Extra Storage Device', store.device).set('Extra Storage Type', store.type);
      want.set('Extra Storage Generation', 'none').set('Extra Storage Images', `1 (${[...store.tags].sort().join(', ')})`);
    } else {
      want.set('Extra Storage Mounted', 'no (a directory of the host)');
    }
    const wrong = [...want].filter(([k, v]) => rows.get(k) !== v).map(([k, v]) => `${k}: want ${JSON.stringify(v)}, got ${JSON.stringify(rows.get(k) ?? null)}`);
    if (!mounted && !(rows.get('Extra Storage Images') ?? '').startsWith('unknown: ')) wrong.push(`Extra Storage Images: want "unknown: …", got ${JSON.stringify(rows.get('Extra Storage Images') ?? null)}`);
    ctx.results.check(name, wrong.length === 0, wrong.join('; '));
    if (mounted) ctx.results.note(`docker info: ${[...rows].filter(([k]) => k.startsWith('Extra Storage')).map(([k, v]) => `${k}: ${v}`).join(' | ')}`);
  } catch (error) {
    ctx.results.fail(name, errorText(error));
  }
}

/** docker image inspect names, in GraphDriver.Data, every layer of ref as linked from the store. */
export async function checkInspect(ctx: E2eContext, docker: DockerClient, label: string, ref: string, storeRoot: string, chainIds: readonly string[]): Promise<void> {
  const name = `${label}: docker image inspect ${ref} names its ${chainIds.length} layers as linked from the store`;
  try {
    const result = await docker.call(['image', 'inspect', '--format', '{{json .GraphDriver.Data}}', ref], { timeoutMs: 30_000, signal: ctx.signal });
    const data = JSON.parse(result.stdout) as Record<string, string>;
    // Top first, as UpperDir and LowerDir list them: the store's own cache-id of each chain.
    const want: string[] = [];
    for (const chain of [...chainIds].reverse()) {
      const cacheId = (await readFile(join(layerDir(storeRoot, chain), 'cache-id'), 'utf8').catch(orIfMissing('?'))).trim();
      want.push(join(storeRoot, 'overlay2', cacheId, 'diff'));
    }
    const wrong: string[] = [];
    if (data.ExtraStorage !== storeRoot) wrong.push(`ExtraStorage ${JSON.stringify(data.ExtraStorage ?? null)}`);
    if (data.ExtraStorageLinked !== `${chainIds.length} of ${chainIds.length}`) wrong.push(`ExtraStorageLinked ${JSON.stringify(data.ExtraStorageLinked ?? null)}`);
    if (data.ExtraStorageLayers !== want.join(':')) wrong.push(`ExtraStorageLayers ${JSON.stringify(data.ExtraStorageLayers ?? null)}, want ${want.join(':')}`);
    ctx.results.check(name, wrong.length === 0, wrong.join('; '));
  } catch (error) {
    ctx.results.fail(name, errorText(error));
  }
}

/** The counters moved by exactly what was done since before; each moved series is also a figure. */
export async function checkMetrics(ctx: E2eContext, label: string, address: string, before: Series, done: PullsDone): Promise<MetricsSnapshot | undefined> {
  const name = `${label}: the metrics on metrics-addr moved by what the pulls did (${done.storeOk} served from the store, ${done.linked} layers linked, ${done.assistedFailed} assisted failed, ${done.unavailable} with the store unmounted)`;
  try {
    const after = await readMetrics(address, ctx.signal);
    const got = moved(before, after.series);
    const problems = compareMoves(expectedMoves(done), got);
    ctx.results.check(name, problems.length === 0, problems.join('; '));
    for (const [key, value] of got) ctx.results.figure(`${label}: metric ${key} moved by`, value, key.includes('bytes') ? 'bytes' : 'count');
    return after;
  } catch (error) {
    ctx.results.fail(name, errorText(error));
    return undefined;
  }
}

export interface ReportTarget {
  docker: DockerClient;
  label: string;
  metricsAddress: string;
  /** The counters when the daemon had just started. */
  before: Series;
  /** The store, which the checks unmount and mount again (read-only) at its mount point. */
  store: StoreFacts;
  /** The NAME:TAG-extra the phase pulled, and its layers. */
  ref: string;
  chainIds: readonly string[];
}

/**
 * Run after the mounted phase's pulls (done: what they were): info and inspect on the mounted store,
 * then one pull and info with the store unmounted (a store error of kind unavailable), the store
 * mounted again, and the counters. Returns the metrics text for the e2e's closing lines.
 */
export async function checkEngineReports(ctx: E2eContext, t: ReportTarget, done: Omit<PullsDone, 'unavailable' | 'linkedBytes'>): Promise<MetricsSnapshot | undefined> {
  await checkInfo(ctx, t.docker, t.label, t.store, true);
  await checkInspect(ctx, t.docker, t.label, t.ref, t.store.mountPoint, t.chainIds);
  const linkedBytes = done.linked === 0 ? 0 : await storeLayerBytes(t.store.mountPoint, t.chainIds);
  await unmountAll(t.store.mountPoint);
  try {
    const result = await t.docker.call(['pull', t.ref], { reject: false, timeoutMs: 60_000, signal: ctx.signal });
    ctx.results.check(`${t.label}: with the store unmounted, docker pull ${t.ref} fails naming it`, result.exitCode !== 0 && result.stderr.includes(t.store.mountPoint),
      `exit ${result.exitCode}: ${result.stderr.trim().slice(0, 200)}`);
    await checkInfo(ctx, t.docker, t.label, t.store, false);
  } finally {
    await mount(t.store.device, t.store.mountPoint, READ_ONLY, ctx.signal);
  }
  return checkMetrics(ctx, t.label, t.metricsAddress, t.before, { ...done, linkedBytes, unavailable: 1 });
}

/**
 * On a loopback registry: `docker pull REF-extra` of an image the store lacks is registry-assisted
 * and downloads every layer; the same pull again finds them all present. The counters say exactly so.
 */
export async function checkAssistedCounters(ctx: E2eContext, storeRoot: string, ref: string, layers: number): Promise<void> {
  const label = 'registry-assisted pull';
  const name = `${label}: docker pull ${ref}-extra (not in the store) twice moves the counters by 2 ok pulls, ${layers} layers downloaded, ${layers} present`;
  const metricsAddress = await freeMetricsAddress();
  let daemon;
  try {
    daemon = await startExtraHost(ctx, 'assisted-metrics', { path: storeRoot }, { config: { 'metrics-addr': metricsAddress } });
    const before = await readMetrics(metricsAddress, ctx.signal);
    const pulls = [];
    for (let k = 0; k < 2; k++) pulls.push(await daemon.docker.call(['pull', `${ref}-extra`], { reject: false, timeoutMs: 120_000, signal: ctx.signal }));
    const after = await readMetrics(metricsAddress, ctx.signal);
    const problems = pulls.filter((p) => p.exitCode !== 0).map((p) => `pull exit ${p.exitCode}: ${p.stderr.trim().slice(0, 200)}`);
    const want = expectedMoves({ storeOk: 0, linked: 0, present: 0, linkedBytes: 0, assistedFailed: 0, unavailable: 0, assistedOk: 2, downloaded: layers, assistedPresent: layers });
    problems.push(...compareMoves(want, moved(before.series, after.series)));
    ctx.results.check(name, problems.length === 0, problems.join('; '));
  } catch (error) {
    ctx.results.fail(name, errorText(error));
  } finally {
    await daemon?.release();
  }
}
