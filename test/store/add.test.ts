/** store add/rm's pure parts: what changed, the layer progress, the engine's load messages, the operands. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { summarizeEdit, layerProgress } from '../../src/store/add.ts';
import { loadedNames, parseMessages } from '../../src/store/engine-api.ts';
import type { StoreContents } from '../../src/store/read.ts';
import type { StoreLayer } from '../../src/store/layer.ts';
import { rmTags } from '../../src/store/rm.ts';
import { failureOf } from '../helpers.ts';
import { UsageError } from '../../src/errors.ts';

const Add = suite('store/add: what add and rm report');

const layer = (chainId: string, size: number): StoreLayer => ({ chainId, diffId: chainId, cacheId: 'c', size, tarSplitBytes: 0, ok: true, findings: [] });
const contents = (images: string[], layers: [string, number][]): StoreContents => ({
  root: '/s', readable: true, findings: [],
  images: images.map((id) => ({ id, tags: [], digestKeys: [], diffIds: [], chainIds: [], platform: undefined, ok: true })),
  layers: new Map(layers.map(([c, n]) => [c, layer(c, n)])),
});

Add('summary: images and layers added by ID, bytes of the new layers only, the store total', () => {
  const s = summarizeEdit(contents(['a'], [['base', 100], ['x', 10]]), contents(['a', 'b'], [['base', 100], ['x', 10], ['y', 5]]));
  assert.equal(s, { images: { before: 1, after: 2, added: ['b'], removed: [] }, layers: { before: 2, after: 3, added: 1, removed: 0 }, bytes: { added: 5, removed: 0, store: 115 } });
});

Add('summary of a removal: the layers gone and their bytes; a shared base stays', () => {
  const s = summarizeEdit(contents(['a', 'b'], [['base', 100], ['x', 10], ['y', 5]]), contents(['b'], [['base', 100], ['y', 5]]));
  assert.equal([s.images.removed, s.layers.removed, s.bytes.removed, s.bytes.store], [['a'], 1, 10, 105]);
});

Add('layer progress: a line when a layer starts and when it is done, none for each message between', () => {
  const lines: string[] = [];
  const on = layerProgress((l) => lines.push(l));
  for (const current of [0, 1000, 2000, 2 ** 20]) on({ status: 'Loading layer', id: 'abc', progressDetail: { current, total: 2 ** 20 } });
  on({ status: 'Loading layer', id: 'abc', progressDetail: { current: 2 ** 20, total: 2 ** 20 } });
  on({ stream: 'Loaded image: x:1\n' });
  assert.equal(lines, ['layer abc: Loading layer 0.0/1.0 MiB', 'layer abc: Loading layer 1.0/1.0 MiB, done']);
});

Add('the load stream: JSON lines split across chunks; loaded names and IDs read from its stream lines', () => {
  const first = parseMessages('{"status":"Loading layer","id":"a"}\n{"stream":"Loaded ima');
  assert.equal(first.messages, [{ status: 'Loading layer', id: 'a' }]);
  const second = parseMessages(`${first.rest}ge: me/app:1\\n"}\n{"stream":"Loaded image ID: sha256:${'a'.repeat(64)}\\n"}\n`);
  assert.equal(loadedNames(second.messages), { tags: ['me/app:1'], ids: [`sha256:${'a'.repeat(64)}`] });
});

Add('rm takes NAME:TAG only: a digest, an ID or a bare name would remove more than the tag the user sees', async () => {
  assert.equal(rmTags(['busybox:latest', 'registry.example:5000/me/app:1.4']), ['busybox:latest', 'registry.example:5000/me/app:1.4']);
  for (const bad of [[], ['busybox'], ['registry.example:5000/me/app'], [`busybox@sha256:${'a'.repeat(64)}`], ['0123456789ab']]) {
    assert.instance(await failureOf(() => rmTags(bad)), UsageError, JSON.stringify(bad));
  }
});

Add.run();
