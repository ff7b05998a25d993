/**
 * The Podman column: the same image in a Podman store on a loop-mounted ext4 filesystem (the same
 * kind of mount as the extra-storage store), mounted read-only and named in a private Podman's
 * `additionalimagestores`, then `podman run` of the probe: no pull step at all. Cold means the page
 * cache dropped and the store remounted; warm is the run right after.
 *
 * Podman's own state (graphroot, runroot, tmp_dir, both config files) lives under the column's
 * folder; CONTAINERS_CONF and CONTAINERS_STORAGE_CONF keep the host's configuration out. Podman 4.3
 * still writes two things of its own on the host whatever it is told (its blob-info cache under
 * /var/lib/containers/cache, an empty /run/containers/networks): the column removes those folders
 * afterwards when they were not there before it.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, which, type RunOptions } from '../../exec/run.ts';
import { errorText } from '../../e2e/context.ts';
import { attachLoop, detachLoop, makeExt4Image, mount, unmountAll } from '../../e2e/mounts.ts';
import { killMentioning } from '../../e2e/processes.ts';
import { READ_ONLY } from '../../e2e/store.ts';
import { blockCounters, dropCaches, timeFirstLine } from '../measure.ts';
import type { Peer, PeerInput, PeerResult, PeerSample } from '../peer.ts';
import { kernelRelease, readHardLimits, readPidMax, storeSizeMiB, unmountUnder, versionOf } from './host.ts';
import { podmanContainersConf, podmanRunArgs, podmanStorageConf, podmanUlimitArgs, type PodmanStorage } from './podman-config.ts';

const NAME = 'podman';
/** Where a root Podman writes regardless of its configured roots. */
const HOST_FOLDERS = ['/var/lib/containers', '/run/containers'];
const WHAT = 'Podman additionalimagestores: `podman run` from a read-only Podman store on a loop-mounted ext4 (no pull step); cold = page cache dropped and store remounted';

interface PodmanSetup {
  /** The --ulimit flags this machine needed, said in the column's description. */
  ulimits: string[];
  device: string;
  storeMount: string;
  runArgs: string[];
  runOptions: RunOptions;
}

export const podmanPeer: Peer = {
  name: NAME,
  async measure(input: PeerInput): Promise<PeerResult> {
    if (!(await which('podman'))) return { peer: NAME, what: WHAT, skipped: 'podman is not installed (apt-get install podman)' };
    const samples: PeerSample[] = [];
    let versions: Record<string, string> = {};
    let what = WHAT;
    try {
      const setup = await preparePodman(input);
      what = `${WHAT}; ${setup.ulimits.join(' ')}`;
      versions = await podmanVersions(setup.runOptions);
      for (let i = 0; i < input.runs && !input.signal.aborted; i++) {
        input.note(`podman: run ${i + 1} of ${input.runs}`);
        samples.push(await samplePodman(setup, input.signal));
      }
      return { peer: NAME, what, versions, samples };
    } catch (error) {
      return { peer: NAME, what, versions, samples, error: errorText(error).slice(0, 400) };
    }
  },
};

/** Writes both config files under `dir` and returns the environment that makes Podman read them. */
async function podmanEnv(dir: string, storage: PodmanStorage): Promise<Record<string, string>> {
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await writeFile(join(dir, 'storage.conf'), podmanStorageConf(storage));
  await writeFile(join(dir, 'containers.conf'), podmanContainersConf({ tmpDir: join(dir, 'tmp') }));
  return { CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'), CONTAINERS_CONF: join(dir, 'containers.conf') };
}

async function preparePodman(input: PeerInput): Promise<PodmanSetup> {
  const { image, signal, teardown } = input;
  const dir = join(input.work, 'podman');
  const storeMount = join(dir, 'store');
  const logFile = join(input.logDir, 'peer-podman.log');
  await mkdir(storeMount, { recursive: true });
  for (const folder of HOST_FOLDERS.filter((f) => !existsSync(f))) {
    teardown.defer(`remove ${folder}, which Podman created`, () => rm(folder, { recursive: true, force: true }));
  }

  input.note('podman: loading the image into a Podman store on a loop-mounted ext4');
  const imageFile = join(dir, 'store.img');
  await makeExt4Image(imageFile, storeSizeMiB(image.layerSizes), signal);
  const device = await attachLoop(imageFile, signal);
  teardown.defer(`losetup -d ${device}`, () => detachLoop(device));
  teardown.defer(`unmount what the podman column left under ${dir}`, () => unmountUnder(dir));
  teardown.defer(`stop processes naming ${dir}`, async () => void (await killMentioning(dir)));
  await mount(device, storeMount, [], signal);

  const storeRoot = join(storeMount, 'graph');
  const prepEnv = await podmanEnv(join(dir, 'prep'), { graphRoot: storeRoot, runRoot: join(dir, 'prep', 'run'), additionalImageStores: [] });
  await run('podman', ['load', '-q', '-i', image.archive], { cwd: dir, env: prepEnv, timeoutMs: 900_000, signal, logFile });
  await unmountUnder(storeMount);
  await mount(device, storeMount, READ_ONLY, signal);

  const useDir = join(dir, 'use');
  const env = await podmanEnv(useDir, { graphRoot: join(useDir, 'root'), runRoot: join(useDir, 'run'), additionalImageStores: [storeRoot] });
  const ulimits = podmanUlimitArgs(await readHardLimits(), await readPidMax());
  const runArgs = podmanRunArgs(image.ref, input.probe, ulimits);
  const runOptions: RunOptions = { cwd: dir, env, timeoutMs: 120_000, signal, logFile };
  // Untimed: creates the private Podman's own database, and proves the image resolves from the store.
  await run('podman', runArgs, runOptions);
  return { ulimits, device, storeMount, runArgs, runOptions };
}

async function samplePodman(setup: PodmanSetup, signal: AbortSignal): Promise<PeerSample> {
  await unmountAll(setup.storeMount);
  await mount(setup.device, setup.storeMount, READ_ONLY, signal);
  await dropCaches();
  const before = (await blockCounters(setup.device))?.readBytes;
  const cold = await timeFirstLine('podman', setup.runArgs, setup.runOptions);
  const after = (await blockCounters(setup.device))?.readBytes;
  const warm = await timeFirstLine('podman', setup.runArgs, setup.runOptions);
  return {
    coldFirstOutputMs: Math.round(cold),
    warmFirstOutputMs: Math.round(warm),
    ...(before !== undefined && after !== undefined ? { deviceBytesRead: after - before } : {}),
  };
}

async function podmanVersions(options: RunOptions): Promise<Record<string, string>> {
  const info = await run('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}'], { ...options, timeoutMs: 30_000 });
  const runtime = info.stdout.trim() || 'runc';
  return {
    podman: await versionOf('podman'),
    conmon: await versionOf('conmon'),
    [runtime]: await versionOf(runtime),
    kernel: kernelRelease(),
  };
}
