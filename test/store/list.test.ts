/** listStore: images with their tags, pull names, sizes and the layers they share. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsStoreView } from '../../src/store/fs-view.ts';
import { listStore } from '../../src/store/list.ts';
import { readStore } from '../../src/store/read.ts';
import { digestEntries, scanTree } from '../../src/e2e/tree-checksum.ts';
import { removeDir } from '../helpers.ts';
import { makeStore } from './fixture.ts';

const test = suite('listStore');

test('two images sharing a base: one layer listed once, used by both, counted once in the store', async () => {
  const fx = await makeStore([
    { tags: ['busybox:latest', 'busybox:1.36'], layers: ['base', 'app'] },
    { tags: ['docker.io/me/tool:v1'], layers: ['base', 'tool'] },
  ]);
  const l = listStore(await readStore(fsStoreView(fx.root)));
  await removeDir(fx.root);
  assert.is(l.images.length, 2);
  assert.equal(l.images[0]!.tags, [
    { name: 'busybox:1.36', pullName: 'busybox:1.36-extra' },
    { name: 'busybox:latest', pullName: 'busybox:extra' },
  ]);
  assert.equal(l.images[1]!.tags, [{ name: 'docker.io/me/tool:v1', pullName: 'me/tool:v1-extra' }]);
  assert.equal([l.images[0]!.size, l.images[0]!.sharedSize], [3000, 1000]);
  assert.equal(l.layers.filter((x) => x.images.length > 1).map((x) => x.chainId), [fx.chains[0]![0]]);
  assert.equal([l.totalSize, l.imagesSize], [5000, 6000]);
  assert.ok(l.images.every((i) => i.ok));
  assert.equal(l.images.map((i) => i.platform), ['linux/amd64', 'linux/amd64']);
});

test('an image whose layer is broken is listed, marked not ok', async () => {
  const fx = await makeStore([{ tags: ['a:1'], layers: ['x'] }, { tags: ['b:1'], layers: ['y'] }]);
  await rm(join(fx.root, 'overlay2', fx.cacheId('y')), { recursive: true });
  const l = listStore(await readStore(fsStoreView(fx.root)));
  await removeDir(fx.root);
  assert.equal(l.images.map((i) => [i.tags[0]!.name, i.ok]), [['a:1', true], ['b:1', false]]);
});

test('listing reads only: the tree is byte-identical before and after', async () => {
  const fx = await makeStore([{ tags: ['a:1'], layers: ['x', 'y'] }]);
  const before = digestEntries(await scanTree(fx.root));
  listStore(await readStore(fsStoreView(fx.root)));
  const after = digestEntries(await scanTree(fx.root));
  await removeDir(fx.root);
  assert.is(after, before);
});

test('a layer no tag uses is listed with no images, and counted in the store', async () => {
  const fx = await makeStore([{ tags: ['a:1'], layers: ['x'] }, { tags: ['b:1'], layers: ['x', 'y'] }]);
  await writeFile(join(fx.root, 'image/overlay2/repositories.json'), JSON.stringify({ Repositories: { a: { 'a:1': fx.imageIds[0] } } }));
  const l = listStore(await readStore(fsStoreView(fx.root)));
  await removeDir(fx.root);
  assert.equal(l.layers.map((x) => [x.chainId, x.images.length]), [[fx.chains[0]![0], 1], [fx.chains[1]![1], 0]]);
  assert.equal([l.totalSize, l.imagesSize], [3000, 1000]);
});

test('an empty store lists nothing', async () => {
  const fx = await makeStore([]);
  const l = listStore(await readStore(fsStoreView(fx.root)));
  await removeDir(fx.root);
  assert.equal([l.images, l.layers, l.totalSize], [[], [], 0]);
});

test.run();
