/** The staging copy's plan: its names beside the store, what may be shared, what leftovers mean. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findLeftovers, isLayerContent, planLeftovers, stagingPaths } from '../../src/store/staging.ts';

const Staging = suite('store/staging: the copy add and rm work on');

Staging('the copy and the old tree sit beside the store, hidden, named after it and the run', () => {
  const p = stagingPaths('/srv/extra', 4242, 'abc123');
  assert.equal(p, { store: '/srv/extra', staging: '/srv/.extra.staging-4242-abc123', old: '/srv/.extra.old-4242-abc123' });
});

Staging('only files inside a layer\'s diff/ are shared; the diff folder itself, layerdb and databases are not', () => {
  assert.ok(isLayerContent('overlay2/0123abc/diff/bin/busybox'));
  assert.ok(isLayerContent('overlay2/0123abc/diff/.wh..wh..opq'));
  for (const rel of ['overlay2/0123abc/diff', 'overlay2/0123abc/link', 'overlay2/0123abc/lower', 'overlay2/l/ABCDEF', 'network/files/local-kv.db',
    'image/overlay2/repositories.json', 'image/overlay2/layerdb/sha256/x/cache-id', 'buildkit/cache.db', 'overlay2/x/work/diff/y']) {
    assert.not.ok(isLayerContent(rel), rel);
  }
});

Staging('leftovers are the store\'s own staging and old names, with the run that left them', () => {
  const names = ['extra', '.extra.staging-12-ab01', '.extra.old-13-ff', '.extra2.staging-14-aa', '.extra.staging-x-aa', 'other'];
  assert.equal(findLeftovers('/srv/extra', names), [
    { path: '/srv/.extra.staging-12-ab01', kind: 'staging', pid: 12 },
    { path: '/srv/.extra.old-13-ff', kind: 'old', pid: 13 },
  ]);
});

Staging('a staging copy is removed; an old tree is removed when the store exists, put back when the switch died half way', () => {
  const staging = { path: '/s/.x.staging-1-a', kind: 'staging' as const, pid: 1 };
  const old = { path: '/s/.x.old-2-b', kind: 'old' as const, pid: 2 };
  assert.equal(planLeftovers([staging, old], true).map((a) => [a.kind, a.path]), [['remove', staging.path], ['remove', old.path]]);
  assert.equal(planLeftovers([staging, old], false).map((a) => [a.kind, a.path]), [['remove', staging.path], ['restore', old.path]]);
  assert.equal(planLeftovers([], false), []);
});

Staging.run();
