/**
 * The whole end-to-end proof, in order: patched engine (build-dockerd on a clone), the feature's Go
 * tests, the generated image, the store on a loop-mounted ext4, the mounted-store scenario, crafted
 * bad stores, the attacks of issue 12 on copies of the store, the device/type scenario, and the
 * store's raw bytes unchanged. Everything acquired is registered with one Teardown that runs even on
 * failure and on Ctrl-C.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CancelledError } from '../errors.ts';
import { runAttacks } from './attacks.ts';
import { runBadStores } from './bad-store.ts';
import { runSaveConfinement } from './save-confinement.ts';
import { buildImageArchive } from './build-image.ts';
import { buildThroughCli, clonePristine } from './build.ts';
import { errorText, type E2eContext } from './context.ts';
import { findDockerCli } from './docker.ts';
import { NotRootError } from './errors.ts';
import { daemonConfigFor } from './engine-line.ts';
import { newTestPackages, runGoTests, vetGoPackages } from './go-tests.ts';
import { testImageSpec } from './image-spec.ts';
import { parseMountInfo, unmountAll } from './mounts.ts';
import { runDevicePhase } from './phase-device.ts';
import { runImagePhase } from './phase-image.ts';
import { runCrashPhase } from './phase-crash.ts';
import { runGenerationsPhase } from './phase-generations.ts';
import { runImageStorePhase } from './phase-image-store.ts';
import { measureTrustedPull, runMountedPhase } from './phase-mounted.ts';
import { runContainerdPhase } from './phase-containerd.ts';
import { Results, type E2eEvent } from './results.ts';
import { prepareStore } from './store.ts';
import { Teardown } from './teardown.ts';
import { sha256File } from '../digest.ts';

export interface E2eOptions {
  moby?: string;
  dockerd?: string;
  keep: boolean;
  busybox: string;
  /** Which image store the extra pulls are proved on: the graph driver's (every phase) or v29's containerd store. */
  imageStore?: 'graphdriver' | 'containerd';
  /** extra-snapshotter, for the containerd image store (default: beside the dockerd). */
  snapshotter?: string;
  signal: AbortSignal;
  onEvent: (event: E2eEvent) => void;
}

export async function runE2e(options: E2eOptions): Promise<{ results: Results; logDir: string }> {
  if (process.getuid?.() !== 0) throw new NotRootError('the e2e');
  const results = new Results(options.onEvent);
  const teardown = new Teardown();
  const work = await mkdtemp('/tmp/dxe-');
  const logDir = await mkdtemp('/tmp/dockerd-extra-e2e-logs-');
  teardown.defer(`remove ${work}`, () => removeWork(work, options.keep));
  const ctx: E2eContext = { work, logDir, dockerCli: await findDockerCli(), dockerd: options.dockerd ?? '', lineConfig: {}, teardown, results, signal: options.signal };
  results.note(`work dir ${work}, logs ${logDir}`);
  try {
    const tree = await engineStep(ctx, options);
    if (!ctx.dockerd) return { results, logDir };
    const line = await daemonConfigFor(ctx.dockerd, ctx.signal);
    ctx.lineConfig = line.config;
    if (line.major !== undefined) ctx.engineMajor = line.major;
    results.note(`engine line v${line.major ?? '?'}: every daemon starts with ${JSON.stringify(line.config)} under its own daemon.json`);
    if (options.imageStore === 'containerd') {
      await containerdSteps(ctx, options, tree);
    } else {
      await goTestStep(ctx, tree);
      await storeSteps(ctx, options);
    }
  } catch (error) {
    if (error instanceof CancelledError || options.signal.aborted) results.fail('e2e', 'cancelled (Ctrl-C); everything was torn down');
    else results.fail('e2e', errorText(error));
  } finally {
    for (const problem of await teardown.release()) results.fail('teardown', problem);
  }
  if (results.failed === 0 && !options.keep) await rm(logDir, { recursive: true, force: true });
  return { results, logDir };
}

function ensureRunning(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError('the e2e');
}

async function engineStep(ctx: E2eContext, options: E2eOptions): Promise<string | undefined> {
  if (!options.moby) return undefined;
  const tree = join(ctx.work, 'moby');
  await clonePristine(options.moby, tree, ctx.signal);
  const build = !options.dockerd;
  const name = build ? 'engine: build-dockerd patches and builds a clone of --moby' : 'engine: build-dockerd patches a clone of --moby (--no-build, --dockerd given)';
  const started = performance.now();
  ctx.results.note(`running build-dockerd on a clone of ${options.moby} (a few minutes; log ${join(ctx.logDir, 'build-dockerd.log')})`);
  try {
    const patched = await buildThroughCli(tree, join(ctx.work, 'dist'), build, join(ctx.logDir, 'build-dockerd.log'), ctx.signal);
    if (patched.dockerd) ctx.dockerd = patched.dockerd;
    ctx.results.pass(name);
    ctx.results.figure('engine: build-dockerd time', Math.round(performance.now() - started), 'ms');
    return tree;
  } catch (error) {
    ctx.results.fail(name, errorText(error));
    return undefined;
  }
}

async function goTestStep(ctx: E2eContext, tree: string | undefined): Promise<void> {
  ensureRunning(ctx.signal);
  const name = 'go test of the feature packages inside the patched tree (moby vendor)';
  if (!tree) return ctx.results.skip(name, 'no patched tree (--moby not given or the patch step failed)');
  const packages = await newTestPackages(tree);
  if (packages.length === 0) return ctx.results.skip(name, 'the patched tree has no new *_test.go files');
  ctx.results.note(`go test ${packages.join(' ')} (log ${join(ctx.logDir, 'go-test.log')})`);
  const run = await runGoTests(tree, packages, dirname(ctx.dockerd), join(ctx.logDir, 'go-test.log'), ctx.signal);
  ctx.results.check(`${name}: ${packages.join(' ')}`, run.exitCode === 0, [...run.failures, ...run.summary].join('; ') || `exit ${run.exitCode}`);
  const vet = await vetGoPackages(tree, packages, 'windows', join(ctx.logDir, 'go-vet-windows.log'), ctx.signal);
  ctx.results.check(`go vet with GOOS=windows of the feature packages (moby cross-builds the daemon)`, vet.exitCode === 0, vet.failures.join('; ') || `exit ${vet.exitCode}`);
}

async function imageAndStore(ctx: E2eContext, options: E2eOptions) {
  ensureRunning(ctx.signal);
  const spec = testImageSpec({ busybox: options.busybox, busyboxSha256: await sha256File(options.busybox) });
  const image = await buildImageArchive(spec, join(ctx.work, 'image'), ctx.signal);
  ctx.results.note(`image ${image.ref} sha256:${image.imageId.slice(0, 12)}, ${image.diffIds.length} layers of ${image.layerSizes.join(', ')} bytes`);
  const store = await prepareStore(ctx, spec, image);
  ensureRunning(ctx.signal);
  return { spec, image, store };
}

/**
 * The containerd image store's run (v29): the same image and store, proved through extra-snapshotter:
 * its own phase, then the graph-driver run's scenarios with every host on this store. The feature's
 * Go tests, and the image-store and mounted phases (the graph-driver store's own), belong to the
 * graph-driver run of the same tree.
 */
async function containerdSteps(ctx: E2eContext, options: E2eOptions, tree: string | undefined): Promise<void> {
  if ((ctx.engineMajor ?? 0) < 29) {
    ctx.results.fail('containerd image store', `needs a docker-v29 engine; ${ctx.dockerd} is v${ctx.engineMajor ?? '?'} (run the e2e without --image-store containerd)`);
    return;
  }
  const snapshotter = options.snapshotter ?? join(dirname(ctx.dockerd), 'extra-snapshotter');
  if (!existsSync(snapshotter)) {
    ctx.results.fail('containerd image store', `no extra-snapshotter at ${snapshotter}: build it (make -C snapshotter build) and pass --snapshotter PATH`);
    return;
  }
  ctx.results.skip('go test of the feature packages inside the patched tree (moby vendor)', `the graph-driver run of ${tree ?? 'the tree'} runs them`);
  const prepared = await imageAndStore(ctx, options);
  const { spec, image, store } = prepared;
  await runContainerdPhase(ctx, spec, image, store, snapshotter);
  // From here every host of a store is dockerd on a containerd and a snapshotter of its own.
  ctx.containerdStore = { snapshotter };
  ensureRunning(ctx.signal);
  await measureTrustedPull(ctx, image, store, 'containerd image store');
  await storeScenarios(ctx, options, prepared);
}

/** The scenarios both image stores run, each host on the run's store (extra-host.ts), then the device's bytes. */
async function storeScenarios(ctx: E2eContext, options: E2eOptions, { spec, image, store }: Awaited<ReturnType<typeof imageAndStore>>): Promise<void> {
  const scenarios = [
    () => runCrashPhase(ctx, spec, image, store),
    () => runGenerationsPhase(ctx, spec, image, store),
    () => runBadStores(ctx, image, store),
    () => runSaveConfinement(ctx, spec, image, store),
    () => runAttacks({ ctx, spec, image, store, busybox: options.busybox }),
    () => runDevicePhase(ctx, spec, image, store),
    () => runImagePhase(ctx, spec, image, store),
  ];
  for (const scenario of scenarios) {
    ensureRunning(ctx.signal);
    await scenario();
  }
  await checkStoreDevice(ctx, store);
}

async function checkStoreDevice(ctx: E2eContext, store: Awaited<ReturnType<typeof prepareStore>>): Promise<void> {
  await unmountAll(store.mountPoint);
  const after = await sha256File(store.imageFile);
  ctx.results.check('store: the filesystem image is byte-identical after everything (sha256 of the device)', after === store.blockDigest,
    `${store.blockDigest.slice(0, 16)} → ${after.slice(0, 16)}`);
}

async function storeSteps(ctx: E2eContext, options: E2eOptions): Promise<void> {
  const prepared = await imageAndStore(ctx, options);
  const { spec, image, store } = prepared;
  const metrics = await runMountedPhase(ctx, spec, image, store);
  ensureRunning(ctx.signal);
  await runImageStorePhase(ctx, store);
  await storeScenarios(ctx, options, prepared);
  if (metrics) ctx.results.note(`the extra-storage metrics of the mounted phase's daemon after its pulls (curl http://METRICS-ADDR/metrics | grep extra_storage):\n${metrics.join('\n')}`);
}

/** Never rm -rf through a mount that is still there: that would delete a store's contents. */
async function removeWork(work: string, keep: boolean): Promise<void> {
  const mounts = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8')).filter((m) => m.mountPoint.startsWith(`${work}/`));
  if (mounts.length > 0) throw new Error(`left ${work} in place: still mounted ${mounts.map((m) => m.mountPoint).join(', ')}`);
  if (keep) return;
  await rm(work, { recursive: true, force: true });
}

