import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../src/digest.ts';
import { applyPlan } from '../../src/patchset/apply.ts';
import { planOverPrior, type Planner } from '../../src/patchset/change.ts';
import type { FullPlan } from '../../src/patchset/full.ts';
import type { FileReader, FileWrite } from '../../src/patchset/plan.ts';
import { RECORD_FILE, type AppliedRecord } from '../../src/patchset/record.ts';
import { failureOf, gitSync, removeDir } from '../helpers.ts';
import { BASE, PATCHED, makeTree } from './fixtures.ts';

const Change = suite<{ tree: string }>('patchset/change (one transaction for the tree)', { tree: '' });
Change.before.each(async (ctx) => {
  ctx.tree = await makeTree();
});
Change.after.each(async (ctx) => removeDir(ctx.tree));

const reader = (files: Record<string, string | undefined>): FileReader => (path) => files[path];
const record = (files: Record<string, string>, release = 1): AppliedRecord => ({ base: 'v28.5.2', release, strategy: 'diff', files });
const conflict: FullPlan = { kind: 'conflict', failures: [{ patch: 'p', file: 'a.go', hunk: '@@', expected: [], found: [], offsetTried: 0, line: 1, reason: 'mismatch' }] };
/** Release 2: a.go gets "a2", c.go is new; it applies only to HEAD's a.go. */
const release2: Planner = (read) =>
  read('a.go') === 'a\n'
    ? { kind: 'apply', offsets: [], writes: [{ path: 'a.go', before: 'a\n', after: 'a2\n', source: 'patch' }, { path: 'c.go', before: read('c.go'), after: 'c\n', source: 'full' }] }
    : conflict;

Change('an earlier set in the way is taken out and the new one put in, deletions included', () => {
  // Release 1 patched a.go and created b.go; HEAD has only a.go.
  const disk = reader({ 'a.go': 'a1\n', 'b.go': 'b\n' });
  const prior = { record: record({ 'a.go': sha256('a1\n'), 'b.go': sha256('b\n') }), head: reader({ 'a.go': 'a\n' }) };
  const plan = planOverPrior(release2(disk), release2, disk, prior);
  if (plan.kind !== 'apply') throw new Error(`expected an apply plan, got ${plan.kind}`);
  assert.equal(plan.takesBack, { base: 'v28.5.2', release: 1, files: 2 });
  assert.equal(plan.writes.map((w) => [w.path, w.before, w.after, w.source]), [
    ['a.go', 'a1\n', 'a2\n', 'patch'],
    ['b.go', 'b\n', undefined, 'take-back'],
    ['c.go', undefined, 'c\n', 'full'],
  ]);
});

Change('an earlier set with a file changed since is not taken out: the conflict stands', () => {
  const disk = reader({ 'a.go': 'a1 edited\n', 'b.go': 'b\n' });
  const prior = { record: record({ 'a.go': sha256('a1\n'), 'b.go': sha256('b\n') }), head: reader({ 'a.go': 'a\n' }) };
  assert.is(planOverPrior(conflict, release2, disk, prior), conflict);
  assert.is(planOverPrior(conflict, release2, disk, undefined), conflict);
});

const writes = (): FileWrite[] => [
  { path: 'daemon/daemon.go', before: BASE['daemon/daemon.go'], after: PATCHED['daemon/daemon.go']!, source: 'patch' },
  { path: 'daemon/old/extra.go', before: 'package old\n', after: undefined, source: 'take-back' },
  { path: 'daemon/new/deeper/store.go', before: undefined, after: 'package store\n', source: 'full' },
];

/** A tree with a file an earlier set created, and the change that deletes it, patches and creates. */
async function appliedOverOld(tree: string, only = writes()) {
  await mkdir(join(tree, 'daemon/old'), { recursive: true });
  await writeFile(join(tree, 'daemon/old/extra.go'), 'package old\n');
  return applyPlan(tree, { kind: 'apply', writes: only, offsets: [] }, record({}, 2));
}

Change('rollback() of a finished apply puts back modified, deleted and created files; then it is spent', async ({ tree }) => {
  const change = await appliedOverOld(tree);
  assert.not.ok(existsSync(join(tree, 'daemon/old')), 'the deletion removes the folder it empties');
  assert.is(await readFile(join(tree, 'daemon/new/deeper/store.go'), 'utf8'), 'package store\n');
  assert.equal(await change.rollback(), []);
  assert.equal(gitSync(tree, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean), ['?? daemon/old/extra.go']);
  assert.not.ok(existsSync(join(tree, 'daemon/new')));
  assert.not.ok(existsSync(join(tree, RECORD_FILE)));
  assert.throws(() => change.commit(), /already rolled back/);
});

Change('rollback() leaves a file changed since the apply alone and says so; after commit() it is refused', async ({ tree }) => {
  const change = await appliedOverOld(tree);
  await writeFile(join(tree, 'daemon/daemon.go'), 'package daemon // edited after the apply\n');
  assert.equal(await change.rollback(), ['daemon/daemon.go: changed since it was written, left as it is']);
  assert.is(await readFile(join(tree, 'daemon/old/extra.go'), 'utf8'), 'package old\n');
  const kept = await appliedOverOld(tree, writes().slice(1));
  kept.commit();
  assert.match(String(await failureOf(kept.rollback())), 'already committed');
});

Change.run();
