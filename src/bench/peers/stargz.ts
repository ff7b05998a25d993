/**
 * The stargz-snapshotter column: the image converted to eStargz with Debian's ctr-remote, pushed to
 * the loopback registry, then lazily pulled (`ctr-remote images rpull`) and run (`ctr run
 * --snapshotter stargz`) through a private containerd 1.6 with the stargz snapshotter as its proxy
 * plugin. File contents come from the registry over HTTP when the container reads them.
 *
 * Cold here means a fresh host: each sample starts a new containerd and a new snapshotter on empty
 * roots (no image, no snapshots, no cached chunks) with the page cache dropped; the pull is the lazy
 * pull, the cold first output is the first `ctr run` after it, and warm is the run right after that.
 * Nothing is read from a local block device for the image, so there is no device figure. The
 * snapshotter runs with the library's defaults, as a user would get them: no prefetch list (the image
 * is converted without the optimizer's workload run) and background fetch of whole layers on, which
 * competes with the timed runs for the registry and the CPU.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run, which } from '../../exec/run.ts';
import { errorText } from '../../e2e/context.ts';
import { UserError } from '../../errors.ts';
import { startRegistry } from '../registry.ts';
import type { Peer, PeerInput, PeerResult, PeerSample } from '../peer.ts';
import { startBackground } from './background.ts';
import { startContainerd } from './containerd.ts';
import { dropCaches, timeCommand, timeFirstLine } from '../measure.ts';
import { kernelRelease, unmountUnder, versionOf } from './host.ts';
import { contentArgs, convertArgs, esgzRef, importArgs, notLazyReason, pushArgs, rpullArgs, runArgs, SNAPSHOTTER } from './stargz-commands.ts';
import { ensureStargzSnapshotter, STARGZ_SNAPSHOTTER_VERSION } from './stargz-build.ts';

const NAME = 'stargz';

export class NotLazyError extends UserError {
  constructor(readonly reason: string) {
    super(`stargz: ${reason}; see the snapshotter's log`);
    this.name = 'NotLazyError';
  }
}

const WHAT = 'stargz-snapshotter: eStargz from the loopback registry, lazy pull (ctr-remote rpull) and `ctr run` through containerd; cold = fresh containerd and snapshotter roots, page cache dropped';
const TOOLS = ['containerd', 'ctr', 'ctr-remote', 'runc'] as const;

interface StargzSetup {
  dir: string;
  snapshotter: string;
  ref: string;
  logDir: string;
}

export const stargzPeer: Peer = {
  name: NAME,
  async measure(input: PeerInput): Promise<PeerResult> {
    for (const tool of TOOLS) {
      if (!(await which(tool))) return { peer: NAME, what: WHAT, skipped: `${tool} is not installed (apt-get install containerd runc stargz-snapshotter)` };
    }
    if (!(await which('go'))) return { peer: NAME, what: WHAT, skipped: 'go is not on PATH, and the stargz snapshotter daemon (not packaged by Debian) is built from its Go module' };
    const samples: PeerSample[] = [];
    let versions: Record<string, string> = {};
    try {
      input.note(`stargz: building the snapshotter from github.com/containerd/stargz-snapshotter ${STARGZ_SNAPSHOTTER_VERSION} (cached after the first time)`);
      const build = await ensureStargzSnapshotter({ logFile: join(input.logDir, 'peer-stargz-build.log'), signal: input.signal });
      versions = await stargzVersions(build.goVersion);
      const setup = await prepareStargz(input, build.binary);
      for (let i = 0; i < input.runs && !input.signal.aborted; i++) {
        input.note(`stargz: run ${i + 1} of ${input.runs}`);
        samples.push(await sampleStargz(setup, input, i));
      }
      return { peer: NAME, what: WHAT, versions, samples };
    } catch (error) {
      return { peer: NAME, what: WHAT, versions, samples, error: errorText(error).slice(0, 400) };
    }
  },
};

/** Converts the image to eStargz in a containerd of its own and pushes it to the registry. */
async function prepareStargz(input: PeerInput, snapshotter: string): Promise<StargzSetup> {
  const { image, signal, teardown } = input;
  const dir = join(input.work, 'stargz');
  const logFile = join(input.logDir, 'peer-stargz.log');
  await mkdir(dir, { recursive: true });
  teardown.defer(`unmount what the stargz column left under ${dir}`, () => unmountUnder(dir));

  let registry = input.registry?.address;
  if (!registry) {
    const started = await startRegistry(join(dir, 'registry'), join(input.logDir, 'peer-stargz-registry.log'));
    teardown.defer('stop the stargz column registry', () => started.stop());
    registry = started.address;
  }
  const ref = esgzRef(registry, image.ref);

  input.note(`stargz: converting the image to eStargz and pushing it as ${ref}`);
  const prep = join(dir, 'prep');
  const containerd = await startContainerd(prep, { root: join(prep, 'root'), state: join(prep, 'state'), address: join(prep, 'c.sock') }, join(input.logDir, 'peer-stargz-containerd-prep.log'), signal);
  const release = teardown.defer('stop the stargz column containerd (prep)', () => containerd.stop());
  const opts = { cwd: dir, signal, logFile, timeoutMs: 900_000 };
  await run('ctr', importArgs(containerd.address, image.archive), opts);
  await run('ctr-remote', convertArgs(containerd.address, image.ref, ref), opts);
  await run('ctr', pushArgs(containerd.address, ref), opts);
  await release();
  await rm(prep, { recursive: true, force: true });
  return { dir, snapshotter, ref, logDir: input.logDir };
}

/** One fresh host: new snapshotter and containerd roots, the lazy pull, a cold and a warm run. */
async function sampleStargz(setup: StargzSetup, input: PeerInput, index: number): Promise<PeerSample> {
  const { signal, teardown } = input;
  // Short names: the sockets must stay within 107 bytes.
  const host = join(setup.dir, `h${index}`);
  const snapshotterSocket = join(host, 's.sock');
  await mkdir(host, { recursive: true });
  const logFile = join(setup.logDir, 'peer-stargz.log');
  const snapshotter = await startBackground({
    name: 'stargz snapshotter',
    command: setup.snapshotter,
    args: ['-address', snapshotterSocket, '-root', join(host, 'snapshotter'), '-log-level', 'warn'],
    cwd: host,
    logFile: join(setup.logDir, `peer-stargz-snapshotter-${index}.log`),
    socket: snapshotterSocket,
    marker: snapshotterSocket,
    ready: async () => true,
    signal,
  });
  const stopSnapshotter = teardown.defer(`stop the stargz snapshotter ${index}`, () => snapshotter.stop());
  const containerd = await startContainerd(host, { root: join(host, 'root'), state: join(host, 'state'), address: join(host, 'c.sock'), proxySnapshotters: { [SNAPSHOTTER]: snapshotterSocket } }, join(setup.logDir, `peer-stargz-containerd-${index}.log`), signal);
  const stopContainerd = teardown.defer(`stop the stargz column containerd ${index}`, () => containerd.stop());

  const opts = { cwd: host, signal, logFile, timeoutMs: 300_000 };
  await dropCaches();
  const pullMs = await timeCommand('ctr-remote', rpullArgs(containerd.address, setup.ref), opts);
  const notLazy = notLazyReason((await run('ctr', contentArgs(containerd.address), opts)).stdout);
  if (notLazy) throw new NotLazyError(notLazy);
  const cold = await timeFirstLine('ctr', runArgs(containerd.address, setup.ref, `cold-${index}`, input.probe), { ...opts, timeoutMs: 120_000 });
  const warm = await timeFirstLine('ctr', runArgs(containerd.address, setup.ref, `warm-${index}`, input.probe), { ...opts, timeoutMs: 120_000 });

  // containerd first: it may still call its snapshotter while it stops.
  await stopContainerd();
  await stopSnapshotter();
  await unmountUnder(host);
  await rm(host, { recursive: true, force: true });
  return { pullMs: Math.round(pullMs), coldFirstOutputMs: Math.round(cold), warmFirstOutputMs: Math.round(warm) };
}

async function stargzVersions(goVersion: string): Promise<Record<string, string>> {
  const deb = await run('dpkg-query', ['-W', '-f', '${Version}', 'stargz-snapshotter'], { cwd: '/', timeoutMs: 20_000, reject: false });
  return {
    containerd: await versionOf('containerd'),
    // Debian's ctr-remote reports containerd's version; the package's says which stargz it is.
    'ctr-remote': deb.exitCode === 0 ? `stargz-snapshotter ${deb.stdout.trim()} (Debian)` : await versionOf('ctr-remote'),
    'stargz-snapshotter': `${STARGZ_SNAPSHOTTER_VERSION} (stargz-grpc built here with ${goVersion})`,
    runc: await versionOf('runc'),
    kernel: kernelRelease(),
  };
}
