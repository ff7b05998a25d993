import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256 } from '../../src/digest.ts';
import { pseudoRandomChunks, pseudoRandomSha256 } from '../../src/e2e/prng.ts';
import { testImageSpec } from '../../src/e2e/image-spec.ts';

const Spec = suite('e2e/image-spec');
const options = { busybox: '/bin/busybox', busyboxSha256: 'f'.repeat(64), bigFileSize: 3 * 1024 * 1024 + 5 };

Spec('the generator is deterministic, seed-dependent and exact in length', () => {
  const a = Buffer.concat([...pseudoRandomChunks('s', 1000, 64)]);
  const b = Buffer.concat([...pseudoRandomChunks('s', 1000, 300)]);
  assert.is(a.length, 1000);
  assert.ok(a.equals(b), 'chunk size must not change the bytes');
  assert.not.ok(a.equals(Buffer.concat([...pseudoRandomChunks('t', 1000)])));
  assert.is(pseudoRandomSha256('s', 1000), sha256(a));
});

Spec('the image has several layers with a whiteout, an opaque dir, links and a large file', () => {
  const spec = testImageSpec(options);
  const kinds = spec.layers.flat().map((e) => e.kind);
  assert.ok(spec.layers.length >= 3);
  for (const kind of ['whiteout', 'opaque', 'hardlink', 'symlink', 'random', 'copy'] as const) assert.ok(kinds.includes(kind), kind);
});

Spec('whatever an upper layer deletes or hides is expected absent, and the big file digest is known', () => {
  const spec = testImageSpec(options);
  const absent = spec.expectations.filter((e) => e.kind === 'absent').map((e) => e.path);
  const whiteouts = spec.layers.flat().flatMap((e) => (e.kind === 'whiteout' ? [`/${e.path}`] : []));
  for (const path of whiteouts) assert.ok(absent.includes(path), path);
  const big = spec.expectations.find((e) => e.kind === 'sha256' && e.path === '/data/big.bin');
  assert.is(big && big.kind === 'sha256' && big.sha256, pseudoRandomSha256('dockerd-extra-e2e', options.bigFileSize));
});

Spec.run();
