/**
 * The benchmark: the same image three ways — already local, pulled from a loopback registry, pulled
 * from extra storage — each on its own private daemon, N timed runs each (the image is removed before
 * every pulling run). Reuses the e2e's image generation, store preparation and daemon handling.
 */
import { daemonConfigFor } from '../e2e/engine-line.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildImageArchive, type BuiltImage } from '../e2e/build-image.ts';
import { errorText, startPrivateDaemon, type E2eContext } from '../e2e/context.ts';
import { findDockerCli } from '../e2e/docker.ts';
import { NotRootError } from '../e2e/errors.ts';
import { testImageSpec } from '../e2e/image-spec.ts';
import { Results, type E2eEvent } from '../e2e/results.ts';
import { mount, unmountAll } from '../e2e/mounts.ts';
import { prepareStore, READ_ONLY, type PreparedStore } from '../e2e/store.ts';
import { Teardown } from '../e2e/teardown.ts';
import { sha256File } from '../digest.ts';
import { sample } from './measure.ts';
import { scaledImageSpec } from './scaled-image.ts';
import { startRegistry } from './registry.ts';
import { summarize, type BenchRecord, type RunSample, type ScenarioName, type ScenarioResult } from './stats.ts';

export interface BenchOptions {
  dockerd: string;
  runs: number;
  busybox: string;
  bigFileSize: number;
  /** A generated image of this many layers and bytes instead of the e2e's test image. */
  scaled?: { layers: number; totalBytes: number };
  scenarios: readonly ScenarioName[];
  signal: AbortSignal;
  onEvent: (event: E2eEvent) => void;
}

export async function runBench(options: BenchOptions): Promise<BenchRecord> {
  if (process.getuid?.() !== 0) throw new NotRootError('the benchmark');
  const teardown = new Teardown();
  const work = await mkdtemp('/tmp/dxb-');
  teardown.defer(`remove ${work}`, () => rm(work, { recursive: true, force: true }));
  const results = new Results(options.onEvent);
  const ctx: E2eContext = { work, logDir: join(work, 'logs'), dockerCli: await findDockerCli(), dockerd: options.dockerd, lineConfig: (await daemonConfigFor(options.dockerd, options.signal)).config, teardown, results, signal: options.signal };
  try {
    const spec = options.scaled
      ? scaledImageSpec({ busybox: options.busybox, ...options.scaled })
      : testImageSpec({ busybox: options.busybox, busyboxSha256: await sha256File(options.busybox), bigFileSize: options.bigFileSize });
    const image = await buildImageArchive(spec, join(work, 'image'), options.signal);
    const store = await prepareStore(ctx, spec, image);
    const samples: ScenarioResult[] = [];
    for (const scenario of options.scenarios) {
      results.note(`scenario ${scenario}: ${options.runs} runs`);
      samples.push(await measureScenario(ctx, scenario, image, store, options.runs));
    }
    return {
      date: new Date().toISOString(),
      host: hostname(),
      dockerd: options.dockerd,
      image: { ref: image.ref, layers: image.diffIds.length, bytes: image.layerSizes.reduce((a, b) => a + b, 0) },
      runs: options.runs,
      results: samples.map(summarize),
      samples,
    };
  } finally {
    for (const problem of await teardown.release()) results.note(`teardown: ${problem}`);
  }
}

async function measureScenario(ctx: E2eContext, scenario: ScenarioName, image: BuiltImage, store: PreparedStore, runs: number): Promise<ScenarioResult> {
  const runSamples: RunSample[] = [];
  try {
    const fromStore = scenario === 'store' || scenario === 'store-content';
    const verify = scenario === 'store-content' ? 'content' : 'trusted';
    const config = fromStore ? { 'extra-storage': { path: store.mountPoint, verify } } : {};
    const daemon = await startPrivateDaemon(ctx, `bench-${scenario}`, config);
    const docker = daemon.docker;
    let pullRef: string | undefined;
    let runRef = image.ref;
    if (scenario === 'local') {
      await docker.call(['load', '-q', '-i', image.archive], { timeoutMs: 300_000 });
    } else if (scenario === 'registry') {
      const registry = await startRegistry(join(ctx.work, 'registry'), join(ctx.logDir, 'registry.log'));
      ctx.teardown.defer('stop registry', () => registry.stop());
      pullRef = runRef = `${registry.address}/${image.ref}`;
      await docker.call(['load', '-q', '-i', image.archive], { timeoutMs: 300_000 });
      await docker.call(['tag', image.ref, pullRef]);
      await docker.call(['push', '-q', pullRef], { timeoutMs: 300_000 });
      await docker.call(['rmi', image.ref, pullRef]);
    } else {
      pullRef = runRef = `${image.ref}-extra`;
    }
    for (let i = 0; i < runs; i++) {
      if (ctx.signal.aborted) break;
      // Remounting drops the store's page cache, so each run reads from the device as a fresh host would.
      if (fromStore) await remount(store);
      runSamples.push(await sample(ctx.dockerCli, docker, pullRef, runRef, fromStore ? store.device : undefined));
      if (pullRef) await docker.call(['rmi', ...(fromStore ? [image.ref, pullRef] : [pullRef])], { reject: false });
    }
    await daemon.release();
    return { scenario, samples: runSamples };
  } catch (error) {
    return { scenario, samples: runSamples, error: errorText(error).slice(0, 200) };
  }
}

async function remount(store: PreparedStore): Promise<void> {
  await unmountAll(store.mountPoint);
  await mount(store.device, store.mountPoint, READ_ONLY);
}
