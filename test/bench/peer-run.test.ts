import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BuiltImage } from '../../src/e2e/build-image.ts';
import { Teardown } from '../../src/e2e/teardown.ts';
import type { Peer, PeerInput } from '../../src/bench/peer.ts';
import { measurePeer } from '../../src/bench/peer-run.ts';

const PeerRun = suite('bench/peer-run');

const input: PeerInput = {
  image: { archive: '/x.tar', imageId: 'a'.repeat(64), diffIds: [], chainIds: [], layerSizes: [], ref: 'r:t' } satisfies BuiltImage,
  work: '/tmp/none', logDir: '/tmp/none', runs: 3, probe: ['cat', '/data/keep.txt'], teardown: new Teardown(), signal: new AbortController().signal, note: () => {},
};

PeerRun('a peer\'s own result, skipped or measured, is passed through', async () => {
  const skipping: Peer = { name: 'stargz', measure: async () => ({ peer: 'stargz', what: 'lazy pull', skipped: 'no containerd-stargz-grpc' }) };
  assert.equal(await measurePeer(skipping, input), { peer: 'stargz', what: 'lazy pull', skipped: 'no containerd-stargz-grpc' });
  const seen: PeerInput[] = [];
  const measuring: Peer = { name: 'podman', measure: async (i) => (seen.push(i), { peer: 'podman', what: 'p', versions: {}, samples: [{ coldFirstOutputMs: 1, warmFirstOutputMs: 2 }] }) };
  assert.is((await measurePeer(measuring, input) as { samples: unknown[] }).samples.length, 1);
  assert.is(seen[0], input, 'the peer gets the runner\'s input as is');
});

PeerRun('a peer that throws becomes a failed column naming the error, not a failed run', async () => {
  const broken: Peer = { name: 'podman', measure: async () => { throw new Error('podman: cannot set ulimit'); } };
  const result = await measurePeer(broken, input);
  assert.is(result.peer, 'podman');
  assert.ok('error' in result && result.error === 'podman: cannot set ulimit');
});

PeerRun.run();
