import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPatchSet, type PatchSet } from '../../src/patchset/patch-set.ts';
import { planDiff } from '../../src/patchset/plan.ts';
import { fullReader, treeReader } from '../../src/patchset/readers.ts';
import { applyPlan } from '../../src/patchset/apply.ts';
import { RECORD_FILE, appliedRecordFor, readAppliedRecord } from '../../src/patchset/record.ts';
import { ApplyError, StaleTreeError, TreeFileError } from '../../src/patchset/errors.ts';
import { CancelledError } from '../../src/errors.ts';
import { failureOf, gitSync, removeDir } from '../helpers.ts';
import { BASE, BASE_TAG, FULL, PATCHED, makeProject, makeTree } from './fixtures.ts';

interface Ctx {
  root: string;
  tree: string;
  set: PatchSet;
}
const Apply = suite<Ctx>('patchset/apply', {} as Ctx);

Apply.before.each(async (ctx) => {
  ctx.root = await makeProject();
  ctx.tree = await makeTree();
  ctx.set = await loadPatchSet(ctx.root, BASE_TAG);
});
Apply.after.each(async (ctx) => {
  await removeDir(ctx.root);
  await removeDir(ctx.tree);
});

function plan(ctx: Ctx) {
  const p = planDiff(ctx.set, treeReader(ctx.tree), fullReader(ctx.set));
  if (p.kind !== 'apply') throw new Error(`expected an apply plan, got ${p.kind}`);
  return p;
}

/** The tree is exactly the base commit: no modified, added or leftover temp files. */
function assertUntouched(tree: string, allowed: string[] = []): void {
  const status = gitSync(tree, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean);
  assert.equal(status, allowed);
}

Apply('writes every file, then the record; a second plan is already-applied', async (ctx) => {
  const p = plan(ctx);
  await applyPlan(ctx.tree, p, appliedRecordFor(ctx.set, 'diff', p));
  const read = treeReader(ctx.tree);
  for (const [path, text] of Object.entries({ ...PATCHED, ...FULL })) assert.is(read(path), text, path);
  const record = await readAppliedRecord(ctx.tree);
  assert.equal([record?.base, record?.release, record?.strategy], [BASE_TAG, 1, 'diff']);
  assert.equal(Object.keys(record!.files).sort(), [...Object.keys(PATCHED), ...Object.keys(FULL)].sort());
  assert.equal(planDiff(ctx.set, treeReader(ctx.tree), fullReader(ctx.set)), { kind: 'already-applied' });
});

Apply('keeps the mode of patched files and gives new files the mode they have in full/', async (ctx) => {
  await chmod(join(ctx.tree, 'daemon/daemon.go'), 0o755);
  const p = plan(ctx);
  await applyPlan(ctx.tree, p, appliedRecordFor(ctx.set, 'diff', p));
  assert.is((await stat(join(ctx.tree, 'daemon/daemon.go'))).mode & 0o777, 0o755);
  assert.is((await stat(join(ctx.tree, 'daemon/extrastore/store.go'))).mode & 0o777, 0o644);
});

Apply('a write that fails half way (immutable file) puts every written file back', async (ctx) => {
  // We run as root, so a 0444 file would not stop us: the immutable attribute does (rename onto it
  // fails with EPERM), and it is what the third write of the plan meets after two have succeeded.
  const target = join(ctx.tree, 'daemon/daemon.go');
  try {
    execFileSync('chattr', ['+i', target], { stdio: 'pipe' });
  } catch {
    console.log('SKIPPED immutable-file rollback: chattr +i is not available here (needs root on ext4/xfs)');
    return;
  }
  try {
    const p = plan(ctx);
    assert.equal(p.writes.slice(0, 3).map((w) => w.path), ['cmd/dockerd/options.go', 'daemon/config/config.go', 'daemon/daemon.go']);
    const error = await failureOf(applyPlan(ctx.tree, p, appliedRecordFor(ctx.set, 'diff', p)));
    assert.instance(error, ApplyError);
    assert.is((error as ApplyError).path, 'daemon/daemon.go');
    assert.equal((error as ApplyError).rollbackFailures, []);
  } finally {
    execFileSync('chattr', ['-i', target]);
  }
  assertUntouched(ctx.tree);
});

Apply('a folder that cannot be created (a file is in the way) rolls back the patched files', async (ctx) => {
  await writeFile(join(ctx.tree, 'daemon/extrastore'), 'a file where full/ needs a folder\n');
  const p = plan(ctx);
  const error = await failureOf(applyPlan(ctx.tree, p, appliedRecordFor(ctx.set, 'diff', p)));
  assert.instance(error, ApplyError);
  assert.match((error as ApplyError).path, 'daemon/extrastore/');
  assertUntouched(ctx.tree, ['?? daemon/extrastore']);
});

Apply('an abort half way rolls back, removes created folders, and reports the cancel', async (ctx) => {
  const controller = new AbortController();
  const p = plan(ctx);
  const seen: string[] = [];
  const onWritten = (path: string, done: number) => {
    seen.push(path);
    if (done === 4) controller.abort(); // the first full/ file is in place, its folder created
  };
  assert.instance(await failureOf(applyPlan(ctx.tree, p, appliedRecordFor(ctx.set, 'diff', p), controller.signal, { onWritten })), CancelledError);
  assert.is(seen.length, 4);
  assertUntouched(ctx.tree);
  assert.not.ok((await readdir(join(ctx.tree, 'daemon'))).includes('extrastore'));
});

Apply('an already aborted signal writes nothing', async (ctx) => {
  const p = plan(ctx);
  assert.instance(await failureOf(applyPlan(ctx.tree, p, appliedRecordFor(ctx.set, 'diff', p), AbortSignal.abort())), CancelledError);
  assertUntouched(ctx.tree);
});

Apply('a file changed after planning stops the apply before any write', async (ctx) => {
  const p = plan(ctx);
  await writeFile(join(ctx.tree, 'daemon/config/config.go'), BASE['daemon/config/config.go'] + '// edited meanwhile\n');
  const error = await failureOf(applyPlan(ctx.tree, p, appliedRecordFor(ctx.set, 'diff', p)));
  assert.instance(error, StaleTreeError);
  assert.is((error as StaleTreeError).path, 'daemon/config/config.go');
  assertUntouched(ctx.tree, [' M daemon/config/config.go']);
});

Apply('no record on a tree that was never patched', async (ctx) => {
  assert.is(await readAppliedRecord(ctx.tree), undefined);
  assert.not.ok((await readdir(ctx.tree)).includes(RECORD_FILE));
});

Apply('a damaged record is an error naming the file, not a silent fresh start', async (ctx) => {
  await writeFile(join(ctx.tree, RECORD_FILE), '{"base": ');
  const error = await failureOf(readAppliedRecord(ctx.tree));
  assert.instance(error, TreeFileError);
  assert.is((error as TreeFileError).file, join(ctx.tree, RECORD_FILE));
  assert.match((error as Error).message, /delete it; git -C .* status then lists what an earlier run changed: restore those files and run build-dockerd again$/);
  assert.not.match((error as Error).message, /export-patches/, 'the patch set is not at fault');
});

Apply('a folder where moby has a file is the tree\'s problem, with a way to restore it', async (ctx) => {
  await rm(join(ctx.tree, 'daemon/config/config.go'));
  await mkdir(join(ctx.tree, 'daemon/config/config.go'));
  const error = await failureOf(() => planDiff(ctx.set, treeReader(ctx.tree), fullReader(ctx.set)));
  assert.instance(error, TreeFileError);
  assert.match((error as Error).message, /config\.go: is a folder where moby has a file; restore it \(git -C .* checkout -- daemon\/config\/config\.go\) or use a fresh checkout$/);
});

Apply.run();
