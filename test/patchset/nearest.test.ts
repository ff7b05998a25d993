/**
 * A tree whose tag has no set of its own, end to end on real git repositories: the version is
 * detected from the tag, the nearest set of the line is chosen, every hunk is planned before
 * anything is written, and the plan records where hunks landed away from their headers.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { detectVersion } from '../../src/moby/version.ts';
import { applyPlan } from '../../src/patchset/apply.ts';
import { PatchConflictError } from '../../src/patchset/errors.ts';
import { loadPatchSet, supportedBases } from '../../src/patchset/patch-set.ts';
import { planTree } from '../../src/patchset/plan-tree.ts';
import { offsetsByFile } from '../../src/patchset/plan.ts';
import { treeReader } from '../../src/patchset/readers.ts';
import { appliedRecordFor } from '../../src/patchset/record.ts';
import { gitSync, makeRepo, removeDir } from '../helpers.ts';
import { BASE, FULL, PATCHED, makeProject } from './fixtures.ts';

const Nearest = suite('patchset: a tag without its own set gets the nearest set of its line');

/** What an older v28 release might hold: lines added above the hooks, so every hunk moves. */
const HEADER = '// Copyright The Moby Authors.\n// Older release: three more lines.\n//\n';
const shift = (files: Record<string, string>): Record<string, string> => ({
  ...files,
  'daemon/daemon.go': files['daemon/daemon.go']!.replace('package daemon\n', `package daemon\n${HEADER}`),
  'daemon/config/config.go': files['daemon/config/config.go']!.replace('type Config struct {\n', 'type Config struct {\n\tHosts    []string\n'),
});
const OLDER = shift(BASE);

async function withTree<T>(files: Record<string, string>, tag: string, fn: (tree: string, root: string) => Promise<T>): Promise<T> {
  const [root, tree] = [await makeProject(), await makeRepo(files, tag)];
  try {
    return await fn(tree, root);
  } finally {
    await removeDir(root);
    await removeDir(tree);
  }
}

async function planFor(tree: string, root: string) {
  const engine = await detectVersion(tree, await supportedBases(root));
  const set = await loadPatchSet(root, engine.tag);
  return { set, plan: await planTree(tree, set, 'diff') };
}

Nearest('an older release with moved lines takes the newer set, applies, and records each offset', async () => {
  await withTree(OLDER, 'v28.3.0', async (tree, root) => {
    const { set, plan } = await planFor(tree, root);
    assert.equal(set.choice, { kind: 'nearest', tag: 'v28.3.0', line: 28, base: 'v28.5.2', relation: 'newer' });
    if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
    assert.equal(plan.offsets.map((o) => [o.file, o.hunk, o.offset]), [
      ['daemon/config/config.go', '@@ -5,4 +5,6 @@', 1],
      ['daemon/daemon.go', '@@ -9,6 +9,7 @@', 3],
      ['daemon/daemon.go', '@@ -17,6 +18,9 @@', 3],
      ['daemon/daemon.go', '@@ -3,6 +3,8 @@', 3],
    ]);
    assert.equal(offsetsByFile(plan.offsets), [
      { file: 'daemon/config/config.go', offsets: [1] },
      { file: 'daemon/daemon.go', offsets: [3, 3, 3] },
    ]);
    const change = await applyPlan(tree, plan, appliedRecordFor(set, 'diff', plan));
    change.commit();
    const read = treeReader(tree);
    for (const [path, text] of Object.entries({ ...shift(PATCHED), ...FULL })) assert.is(read(path), text, path);
    // A second run recognises the applied set: nothing to write.
    assert.equal((await planFor(tree, root)).plan, { kind: 'already-applied' });
  });
});

Nearest('a release past the set, a few commits ahead, takes the older set the same way', async () => {
  await withTree(OLDER, 'v28.6.1', async (tree, root) => {
    gitSync(tree, 'commit', '-q', '--allow-empty', '-m', 'a fix on the release branch');
    const { set, plan } = await planFor(tree, root);
    assert.equal(set.choice, { kind: 'nearest', tag: 'v28.6.1', line: 28, base: 'v28.5.2', relation: 'older' });
    assert.is(plan.kind, 'apply');
  });
});

Nearest('context that changed is a conflict naming every failing hunk, and the tree is untouched', async () => {
  const changed = { ...OLDER, 'daemon/daemon.go': OLDER['daemon/daemon.go']!.replace('\tid   string\n', '\tid   ID\n') };
  await withTree(changed, 'v28.3.0', async (tree, root) => {
    const { plan } = await planFor(tree, root);
    if (plan.kind !== 'conflict') return assert.unreachable(plan.kind);
    assert.equal(plan.failures.map((f) => [f.file, f.hunk, f.reason]), [['daemon/daemon.go', '@@ -9,6 +9,7 @@', 'mismatch']]);
    const error = new PatchConflictError(tree, plan.failures);
    assert.equal([error.failures.length, error.exitCode], [1, 1]);
    assert.is(gitSync(tree, 'status', '--porcelain', '--untracked-files=all'), '');
  });
});

Nearest.run();
