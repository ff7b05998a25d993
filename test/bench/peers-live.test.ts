/**
 * The peer columns for real, on a small generated image: each peer measures one run and leaves no
 * mount, loop device or process behind. Needs root; a peer whose programs are absent says why it
 * skips (its `skipped` reason), and so does this suite.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PEERS } from '../../src/bench/peers/index.ts';
import type { PeerResult } from '../../src/bench/peer.ts';
import { buildImageArchive, type BuiltImage } from '../../src/e2e/build-image.ts';
import { parseMountInfo } from '../../src/e2e/mounts.ts';
import { pidsMentioning } from '../../src/e2e/processes.ts';
import { Teardown } from '../../src/e2e/teardown.ts';
import { scaledImageSpec } from '../../src/bench/scaled-image.ts';
import { removeDir, tempDir } from '../helpers.ts';

/** Loop devices whose backing file is under `dir`. */
async function loopsUnder(dir: string): Promise<string[]> {
  const loops: string[] = [];
  for (const name of (await readdir('/sys/block')).filter((n) => n.startsWith('loop'))) {
    const backing = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => ''); // not attached
    if (backing.trim().startsWith(dir)) loops.push(name);
  }
  return loops;
}

const Live = suite<{ work: string; image?: BuiltImage }>('bench/peers (live)', { work: '' });
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.log('SKIPPED bench/peers (live): needs root (loop devices, mounts, containers)');

Live.before(async (ctx) => {
  if (!isRoot) return;
  ctx.work = await tempDir('peers-live-');
  const spec = scaledImageSpec({ busybox: '/bin/busybox', totalBytes: 8 * 2 ** 20, layers: 3 });
  ctx.image = await buildImageArchive(spec, join(ctx.work, 'image'));
});

Live.after(async (ctx) => {
  if (ctx.work) await removeDir(ctx.work);
});

for (const peer of PEERS) {
  Live(`${peer.name}: one cold and one warm first output of the probe, then nothing left running or mounted`, async (ctx) => {
    if (!ctx.image) return;
    const work = join(ctx.work, peer.name);
    const teardown = new Teardown();
    let result: PeerResult;
    try {
      result = await peer.measure({
        image: ctx.image,
        work,
        logDir: join(ctx.work, 'logs'),
        runs: 1,
        probe: ['cat', '/data/keep.txt'],
        teardown,
        signal: AbortSignal.timeout(600_000),
        note: () => undefined,
      });
    } finally {
      assert.equal(await teardown.release(), [], 'every clean-up step succeeds');
    }
    const mounts = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8')).filter((m) => m.mountPoint.startsWith(work) || m.source.startsWith(work));
    assert.equal(mounts.map((m) => m.mountPoint), [], 'no mount left under the peer folder');
    assert.equal(await pidsMentioning(work), [], 'no process left naming the peer folder');
    assert.equal(await loopsUnder(work), [], 'no loop device left on an image in the peer folder');
    if ('skipped' in result) {
      console.log(`SKIPPED bench/peers (live) ${peer.name}: ${result.skipped}`);
      return;
    }
    assert.is(result.error, undefined, result.error);
    assert.is(result.samples.length, 1);
    const [sample] = result.samples;
    assert.ok(sample!.coldFirstOutputMs > 0 && sample!.warmFirstOutputMs > 0, JSON.stringify(sample));
    if (sample!.pullMs !== undefined) assert.ok(sample!.pullMs > 0);
    assert.ok(result.versions.kernel, 'the kernel is recorded');
  });
}

Live.run();
