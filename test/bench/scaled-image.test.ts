import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scaledImageSpec } from '../../src/bench/scaled-image.ts';

const Scaled = suite('bench/scaled-image');

const bytesOf = (spec: ReturnType<typeof scaledImageSpec>, layer: number) =>
  spec.layers[layer]!.reduce((sum, e) => sum + (e.kind === 'random' ? e.size : e.kind === 'file' ? e.text.length : 0), 0);

Scaled('a 1 GiB, 10-layer image has a small base and nine payload layers adding up to the size asked for', () => {
  const spec = scaledImageSpec({ busybox: '/bin/busybox', totalBytes: 1024 ** 3, layers: 10 });
  assert.is(spec.layers.length, 10);
  assert.ok(spec.layers[0]!.some((e) => e.kind === 'file' && e.path === 'data/keep.txt'), 'the first-output probe reads /data/keep.txt');
  let total = 0;
  for (let l = 1; l < 10; l++) total += bytesOf(spec, l);
  assert.ok(Math.abs(total - 1024 ** 3) < 10 * 256 * 1024, `payload ${total} bytes`);
  const files = spec.layers[1]!.length;
  assert.ok(files >= 200 && files <= 1000, `${files} files in a payload layer`);
});

Scaled('half of the files are incompressible, half text', () => {
  const layer = scaledImageSpec({ busybox: '/bin/busybox', totalBytes: 64 * 1024 ** 2, layers: 2 }).layers[1]!;
  const random = layer.filter((e) => e.kind === 'random').length;
  const text = layer.filter((e) => e.kind === 'file').length;
  assert.ok(Math.abs(random - text) <= 1, `${random} random, ${text} text`);
});

Scaled('fewer than two layers is refused', () => {
  assert.throws(() => scaledImageSpec({ busybox: '/bin/busybox', totalBytes: 1024, layers: 1 }), /at least 2 layers/);
});

Scaled('the image is named as asked, so the benchmark can name it after its registry', () => {
  assert.is(scaledImageSpec({ busybox: '/bin/busybox', totalBytes: 2 * 1024 ** 2, layers: 2, repo: '127.0.0.1:5000/bench/scaled' }).repo, '127.0.0.1:5000/bench/scaled');
});

Scaled.run();
