import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPatchSet, type PatchSet } from '../../src/patchset/patch-set.ts';
import { planDiff, type FileReader } from '../../src/patchset/plan.ts';
import { planFull } from '../../src/patchset/full.ts';
import { headBlobReader, fullReader, treeReader } from '../../src/patchset/readers.ts';
import { applyPlan } from '../../src/patchset/apply.ts';
import { appliedRecordFor } from '../../src/patchset/record.ts';
import { FullBaseMismatchError, ManifestMismatchError } from '../../src/patchset/errors.ts';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { failureOf, gitSync, removeDir, writeFiles } from '../helpers.ts';
import { BASE, BASE_TAG, FULL, PATCHED, makeProject, makeTree } from './fixtures.ts';

const Full = suite('patchset/full (full strategy)');

const reader = (files: Record<string, string | undefined>): FileReader => (path) => files[path];

async function withSet<T>(fn: (set: PatchSet) => Promise<T> | T): Promise<T> {
  const root = await makeProject();
  try {
    return await fn(await loadPatchSet(root, BASE_TAG));
  } finally {
    await removeDir(root);
  }
}

/** Every file of the tree the patch set owns, read back from disk. */
function snapshot(dir: string): Record<string, string | undefined> {
  const read = treeReader(dir);
  return Object.fromEntries([...Object.keys(BASE), ...Object.keys(FULL)].map((p) => [p, read(p)]));
}

Full('patched results come from HEAD\'s blobs of the base and match the hand-written answer', async () => {
  const plan = await withSet((set) => planFull(set, reader(BASE), reader(BASE), reader(FULL)));
  if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
  for (const [path, text] of Object.entries({ ...PATCHED, ...FULL })) {
    assert.is(plan.writes.find((w) => w.path === path)?.after, text, path);
  }
  assert.is(plan.replacedLocalEdits, undefined);
});

Full('on a clean base tree it ends byte-identical to the diff strategy', async () => {
  await withSet(async (set) => {
    const viaDiff = await makeTree();
    const viaFull = await makeTree();
    try {
      const diffPlan = planDiff(set, treeReader(viaDiff), fullReader(set));
      const fullPlan = planFull(set, await headBlobReader(viaFull, set), treeReader(viaFull), fullReader(set));
      if (diffPlan.kind !== 'apply' || fullPlan.kind !== 'apply') return assert.unreachable('both should apply');
      await applyPlan(viaDiff, diffPlan, appliedRecordFor(set, 'diff', diffPlan));
      await applyPlan(viaFull, fullPlan, appliedRecordFor(set, 'full', fullPlan));
      assert.equal(snapshot(viaFull), snapshot(viaDiff));
      assert.equal(snapshot(viaDiff), { ...BASE, ...PATCHED, ...FULL });
      // The trees differ in one place only: the record says which strategy wrote them.
      assert.is(gitSync(viaDiff, 'status', '--porcelain'), gitSync(viaFull, 'status', '--porcelain'));
    } finally {
      await removeDir(viaDiff);
      await removeDir(viaFull);
    }
  });
});

Full('local edits to touched files are replaced and listed', async () => {
  const current = { ...BASE, 'daemon/daemon.go': BASE['daemon/daemon.go'] + '// my local change\n', 'daemon/extrastore/store.go': 'package extrastore // older\n' };
  const plan = await withSet((set) => planFull(set, reader(BASE), reader(current), reader(FULL)));
  if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
  assert.equal(plan.replacedLocalEdits, ['daemon/daemon.go', 'daemon/extrastore/store.go']);
  assert.is(plan.writes.find((w) => w.path === 'daemon/daemon.go')!.after, PATCHED['daemon/daemon.go']);
});

Full('a deleted touched file is restored and listed', async () => {
  const current = { ...BASE, 'daemon/config/config.go': undefined };
  const plan = await withSet((set) => planFull(set, reader(BASE), reader(current), reader(FULL)));
  if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
  assert.equal(plan.replacedLocalEdits, ['daemon/config/config.go']);
  const write = plan.writes.find((w) => w.path === 'daemon/config/config.go')!;
  assert.equal([write.before, write.after], [undefined, PATCHED['daemon/config/config.go']]);
});

Full('a tree that already holds the result plans nothing', async () => {
  const plan = await withSet((set) => planFull(set, reader(BASE), reader({ ...BASE, ...PATCHED, ...FULL }), reader(FULL)));
  assert.equal(plan, { kind: 'already-applied' });
});

Full('HEAD blobs that are not the set\'s base are refused, every such file listed, exit 2', async () => {
  const other = { ...BASE, 'daemon/config/config.go': BASE['daemon/config/config.go'] + '// another release\n', 'daemon/daemon.go': undefined };
  const root = await makeProject();
  try {
    const set = await loadPatchSet(root, 'v28.3.0');
    const error = (await failureOf(() => planFull(set, reader(other), reader(other), reader(FULL)))) as FullBaseMismatchError;
    assert.instance(error, FullBaseMismatchError);
    assert.equal([error.tree, error.base, error.paths, error.exitCode], ['v28.3.0', BASE_TAG, ['daemon/config/config.go', 'daemon/daemon.go'], 2]);
    // On the set's own tag the tree is named HEAD: commits past the tag changed the file.
    const own = (await failureOf(() => withSet((s) => planFull(s, reader(other), reader(other), reader(FULL))))) as FullBaseMismatchError;
    assert.equal([own.tree, own.paths.length], ['HEAD', 2]);
  } finally {
    await removeDir(root);
  }
});

Full('HEAD with the patched files committed is accepted as made from the base', async () => {
  const committed = { ...BASE, ...PATCHED };
  const plan = await withSet((set) => planFull(set, reader(committed), reader({ ...committed, ...FULL }), reader(FULL)));
  assert.equal(plan, { kind: 'already-applied' });
});

Full('a full/ file that differs from the manifest is refused', async () => {
  try {
    await withSet((set) => planFull(set, reader(BASE), reader(BASE), reader({ ...FULL, 'daemon/extrastore/store.go': 'package tampered\n' })));
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, ManifestMismatchError);
    assert.is((error as ManifestMismatchError).which, 'full');
  }
});

Full('blobs come from HEAD, not from the base tag: a tree without the tag plans the same', async () => {
  const tree = await makeTree();
  gitSync(tree, 'tag', '-d', BASE_TAG);
  try {
    const plan = await withSet(async (set) => planFull(set, await headBlobReader(tree, set), treeReader(tree), fullReader(set)));
    if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
    assert.is(plan.writes.find((w) => w.path === 'daemon/daemon.go')!.after, PATCHED['daemon/daemon.go']);
  } finally {
    await removeDir(tree);
  }
});

Full('a git that fails is an error of its own, not a missing base blob', async () => {
  const tree = await makeTree();
  try {
    await rm(join(tree, '.git'), { recursive: true }); // now a plain folder: git refuses every command
    await withSet(async (set) => headBlobReader(tree, set));
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.not.instance(error, FullBaseMismatchError);
    assert.match(String(error), /not a git repository/);
  } finally {
    await removeDir(tree);
  }
});

Full('blobs come from history, not from the (edited) work tree', async () => {
  const tree = await makeTree();
  try {
    await writeFiles(tree, { 'daemon/daemon.go': 'package daemon // rewritten locally\n' });
    const plan = await withSet(async (set) => planFull(set, await headBlobReader(tree, set), treeReader(tree), fullReader(set)));
    if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
    assert.is(plan.writes.find((w) => w.path === 'daemon/daemon.go')!.after, PATCHED['daemon/daemon.go']);
    assert.equal(plan.replacedLocalEdits, ['daemon/daemon.go']);
  } finally {
    await removeDir(tree);
  }
});

Full.run();
