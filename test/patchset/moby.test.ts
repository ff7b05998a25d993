/**
 * The patch engine on a real moby v28.5.2 checkout (MOBY_SRC; .ci/run makes one): a branch with
 * hooks in real moby files and a new package is exported, then planned and applied on fresh clones
 * with both strategies, timed (issue 4: plan + apply under 1 s on a full checkout). When the project
 * holds its real patch set (patches/v28.5.2), that set must plan cleanly on the checkout too, and
 * so must patches/docker-v29.7.2 on MOBY_SRC_V29. MOBY_SRC(_V29) is never written: every tree here is a `git clone --shared` in a temp folder.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportPatchSet } from '../../src/patchset/export.ts';
import { loadPatchSet, supportedBases, type PatchSet } from '../../src/patchset/patch-set.ts';
import { planDiff } from '../../src/patchset/plan.ts';
import { planFull } from '../../src/patchset/full.ts';
import { headBlobReader, fullReader, treeReader } from '../../src/patchset/readers.ts';
import { applyPlan } from '../../src/patchset/apply.ts';
import { appliedRecordFor } from '../../src/patchset/record.ts';
import { gitSync, mobySource, removeDir, tempDir, writeFiles } from '../helpers.ts';

const BASE = 'v28.5.2';
const HOOKED = ['cmd/dockerd/daemon.go', 'daemon/config/config.go', 'daemon/daemon.go', 'layer/layer_store.go'];
const NEW_FILES = {
  'daemon/extrastore/store.go': 'package extrastore\n\n// Store is the read-only extra storage (test fixture).\ntype Store struct{ Root string }\n',
};

const Moby = suite('patchset on a real moby checkout');
const src = mobySource('patchset on a real moby checkout');
const srcV29 = mobySource('patchset on a real moby docker-v29 checkout', 'MOBY_SRC_V29');
const BASE_V29 = 'docker-v29.7.2';
const dirs: string[] = [];
/** The clone the first test made, reused by the second (clones of moby cost seconds). */
let shared: string | undefined;

async function clone(): Promise<string> {
  const dir = join(await tempDir('dockerd-extra-moby-'), 'moby');
  dirs.push(join(dir, '..'));
  gitSync('/', 'clone', '-q', '--shared', src!, dir);
  gitSync(dir, 'checkout', '-q', BASE);
  shared ??= dir;
  return dir;
}

/** A hook line before the first func of each file: real context from moby, invented change. */
async function makeBranch(dir: string): Promise<Record<string, string>> {
  gitSync(dir, 'checkout', '-q', '-b', 'extra-storage');
  const result: Record<string, string> = {};
  for (const path of HOOKED) {
    const text = await readFile(join(dir, path), 'utf8');
    const at = text.indexOf('\nfunc ');
    assert.ok(at > 0, `${path} has a func`);
    result[path] = text.slice(0, at + 1) + '// extra-storage: hook (test)\n' + text.slice(at + 1);
  }
  await writeFiles(dir, { ...result, ...NEW_FILES });
  gitSync(dir, 'add', '-A');
  gitSync(dir, 'commit', '-q', '-m', 'extra storage hooks (test)');
  return { ...result, ...NEW_FILES };
}

async function applyTimed(tree: string, set: PatchSet, strategy: 'diff' | 'full'): Promise<number> {
  const started = performance.now();
  const plan = strategy === 'diff'
    ? planDiff(set, treeReader(tree), fullReader(set))
    : planFull(set, await headBlobReader(tree, set), treeReader(tree), fullReader(set));
  if (plan.kind !== 'apply') throw new Error(`expected apply, got ${JSON.stringify(plan).slice(0, 500)}`);
  await applyPlan(tree, plan, appliedRecordFor(set, strategy, plan));
  return performance.now() - started;
}

Moby.after(async () => {
  for (const dir of dirs) await removeDir(dir);
});

if (src) {
  Moby('export → diff and full apply on the base tree reproduce the branch, fast, and re-plan as no-ops', async () => {
    // One clone serves as the branch and, checked out at the tag again, as the fresh base tree:
    // a moby checkout is ~10k files, so every clone saved is seconds of CI.
    const tree = await clone();
    const expected = await makeBranch(tree);
    const project = await tempDir('dockerd-extra-project-');
    dirs.push(project);
    await exportPatchSet(tree, BASE, project);
    const set = await loadPatchSet(project, BASE);
    for (const strategy of ['diff', 'full'] as const) {
      gitSync(tree, 'checkout', '-q', '-f', BASE);
      gitSync(tree, 'clean', '-fdq');
      assert.is(gitSync(tree, 'status', '--porcelain'), '');
      const ms = await applyTimed(tree, set, strategy);
      console.log(`  ${strategy}: plan + apply of ${set.patches.length} patches and ${set.fullFiles.length} full/ file(s) on moby ${BASE}: ${ms.toFixed(0)} ms`);
      const read = treeReader(tree);
      for (const [path, text] of Object.entries(expected)) assert.is(read(path), text, `${strategy}: ${path}`);
      assert.equal(planDiff(set, treeReader(tree), fullReader(set)), { kind: 'already-applied' });
      const status = gitSync(tree, 'status', '--porcelain').split('\n').filter(Boolean).sort();
      assert.equal(status, ['?? .dockerd-extra-applied.json', '?? daemon/extrastore/', ...HOOKED.map((p) => ` M ${p}`)].sort());
    }
  });

  Moby('the project\'s own patch set plans cleanly on the checkout (both strategies)', async () => {
    await projectSetPlansCleanly(shared ?? (await clone()), BASE);
  });
}

if (srcV29) {
  Moby(`the project's ${BASE_V29} patch set plans cleanly on the v29 checkout (both strategies)`, async () => {
    const dir = join(await tempDir('dockerd-extra-moby29-'), 'moby');
    dirs.push(join(dir, '..'));
    gitSync('/', 'clone', '-q', '--shared', srcV29, dir);
    await projectSetPlansCleanly(dir, BASE_V29);
  });
}

async function projectSetPlansCleanly(tree: string, base: string): Promise<void> {
  const projectRoot = join(import.meta.dirname, '..', '..');
  assert.ok((await supportedBases(projectRoot)).includes(base), `patches/${base} exists`);
  const set = await loadPatchSet(projectRoot, base);
  gitSync(tree, 'checkout', '-q', '-f', base);
  gitSync(tree, 'clean', '-fdq');
  const diff = planDiff(set, treeReader(tree), fullReader(set));
  assert.is(diff.kind, 'apply', JSON.stringify(diff).slice(0, 2000));
  if (diff.kind === 'apply') assert.equal(diff.offsets, [], 'no offsets on the exact base');
  const full = planFull(set, await headBlobReader(tree, set), treeReader(tree), fullReader(set));
  assert.is(full.kind, 'apply');
  if (diff.kind === 'apply' && full.kind === 'apply') {
    assert.equal(full.writes.map((w) => [w.path, w.after]), diff.writes.map((w) => [w.path, w.after]));
  }
}

Moby.run();
