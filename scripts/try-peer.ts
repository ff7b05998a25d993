/**
 * tsx scripts/try-peer.ts [--peers podman,stargz] [--mib 64] [--layers 10] [--runs 3] [--keep]
 * Runs peer columns of the benchmark by hand, outside `npm run bench`: builds a generated image
 * (the bench's own scaled image) under /tmp/peers-try-*, gives it to each peer's `measure`, prints
 * each result as JSON and tears everything down. Needs root. --keep leaves the folder for reading logs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImageArchive } from '../src/e2e/build-image.ts';
import { Teardown } from '../src/e2e/teardown.ts';
import { scaledImageSpec } from '../src/bench/scaled-image.ts';
import { PEERS } from '../src/bench/peers/index.ts';

const { values } = parseArgs({
  options: {
    peers: { type: 'string', default: PEERS.map((p) => p.name).join(',') },
    mib: { type: 'string', default: '64' },
    layers: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
if (process.getuid?.() !== 0) throw new Error('try-peer needs root (loop devices, mounts, containers)');
const chosen = values.peers.split(',').map((name) => {
  const peer = PEERS.find((p) => p.name === name);
  if (!peer) throw new Error(`no peer "${name}"; the peers are ${PEERS.map((p) => p.name).join(', ')}`);
  return peer;
});

const work = await mkdtemp('/tmp/peers-try-');
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
try {
  const spec = scaledImageSpec({ busybox: '/bin/busybox', totalBytes: Number(values.mib) * 2 ** 20, layers: Number(values.layers) });
  const image = await buildImageArchive(spec, join(work, 'image'), controller.signal);
  for (const peer of chosen) {
    const teardown = new Teardown();
    const started = Date.now();
    try {
      const result = await peer.measure({
        image,
        work: join(work, peer.name),
        logDir: join(work, 'logs'),
        runs: Number(values.runs),
        probe: ['cat', '/data/keep.txt'],
        teardown,
        signal: controller.signal,
        note: (text) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`),
      });
      console.log(JSON.stringify(result, null, 2));
    } finally {
      for (const problem of await teardown.release()) console.error(`teardown: ${problem}`);
    }
  }
} finally {
  if (values.keep) console.error(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
