import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { exportPatchSet } from '../../src/patchset/export.ts';
import { loadPatchSet } from '../../src/patchset/patch-set.ts';
import { planDiff } from '../../src/patchset/plan.ts';
import { planFull } from '../../src/patchset/full.ts';
import { headBlobReader, fullReader, treeReader } from '../../src/patchset/readers.ts';
import { applyPlan } from '../../src/patchset/apply.ts';
import { appliedRecordFor } from '../../src/patchset/record.ts';
import { ExportRefusedError } from '../../src/patchset/errors.ts';
import { formatManifest } from '../../src/patchset/manifest.ts';
import { sha256 } from '../../src/digest.ts';
import { gitSync, makeRepo, removeDir, tempDir, writeFiles } from '../helpers.ts';
import { BASE, BASE_TAG, FULL, PATCHED, makeTree } from './fixtures.ts';

interface Ctx {
  moby: string;
  project: string;
  others: string[];
}
const Export = suite<Ctx>('patchset/export', {} as Ctx);

Export.before.each(async (ctx) => {
  ctx.moby = await makeTree();
  ctx.project = await tempDir('dockerd-extra-project-');
  ctx.others = [];
});
Export.after.each(async (ctx) => {
  for (const dir of [ctx.moby, ctx.project, ...ctx.others]) await removeDir(dir);
});

/** The feature branch: the hand-written patched files and the new files, committed on top of the tag. */
async function commitFeature(dir: string, files: Record<string, string> = { ...PATCHED, ...FULL }, message = 'extra storage'): Promise<void> {
  gitSync(dir, 'checkout', '-q', '-B', 'extra-storage');
  await writeFiles(dir, files);
  gitSync(dir, 'add', '-A');
  gitSync(dir, 'commit', '-q', '-m', message);
}

/** Every file under patches/ and full/ of a project, as bytes, keyed by relative path. */
async function outputOf(project: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const top of ['patches', 'full']) {
    const entries = await readdir(join(project, top), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isFile()) out[relative(project, join(e.parentPath, e.name))] = (await readFile(join(e.parentPath, e.name))).toString('base64');
    }
  }
  return out;
}

async function refusal(ctx: Ctx): Promise<ExportRefusedError> {
  try {
    await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  } catch (error) {
    assert.instance(error, ExportRefusedError);
    assert.equal(await outputOf(ctx.project), {}, 'nothing may be written when the export is refused');
    return error as ExportRefusedError;
  }
  return assert.unreachable('should have thrown') as never;
}

Export('one patch per touched file in path order, full/ for new files, series and a sorted manifest', async (ctx) => {
  await commitFeature(ctx.moby);
  const result = await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  const names = ['0001-cmd-dockerd-options.go.patch', '0002-daemon-config-config.go.patch', '0003-daemon-daemon.go.patch'];
  assert.equal(result.patches, names);
  assert.equal(result.full, Object.keys(FULL).sort());
  const dir = join(ctx.project, 'patches', BASE_TAG);
  assert.is(await readFile(join(dir, 'series'), 'utf8'), names.join('\n') + '\n');
  const patch = await readFile(join(dir, names[2]!), 'utf8');
  assert.ok(patch.startsWith('diff --git a/daemon/daemon.go b/daemon/daemon.go\n--- a/daemon/daemon.go\n+++ b/daemon/daemon.go\n@@ '));
  assert.not.match(patch, /^index /m);
  const manifest = await readFile(join(dir, 'manifest.json'), 'utf8');
  assert.ok(manifest.endsWith('}\n'));
  assert.equal(Object.keys(JSON.parse(manifest)), ['base', 'files', 'full', 'release']);
  for (const path of Object.keys(FULL)) assert.is(await readFile(join(ctx.project, 'full', BASE_TAG, path), 'utf8'), FULL[path]);
});

Export('export → apply on a fresh base tree is the identity (both strategies)', async (ctx) => {
  await commitFeature(ctx.moby);
  await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  const set = await loadPatchSet(ctx.project, BASE_TAG);
  for (const strategy of ['diff', 'full'] as const) {
    const tree = await makeTree();
    ctx.others.push(tree);
    const plan = strategy === 'diff'
      ? planDiff(set, treeReader(tree), fullReader(set))
      : planFull(set, await headBlobReader(tree, set), treeReader(tree), fullReader(set));
    if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
    await applyPlan(tree, plan, appliedRecordFor(set, strategy, plan));
    const read = treeReader(tree);
    for (const path of Object.keys({ ...BASE, ...FULL })) assert.is(read(path), gitSync(ctx.moby, 'show', `HEAD:${path}`), `${strategy}: ${path}`);
  }
});

Export('a second export of the same branch is byte-identical, however the branch was committed', async (ctx) => {
  await commitFeature(ctx.moby);
  await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  const first = await outputOf(ctx.project);
  await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  assert.equal(await outputOf(ctx.project), first);

  // Same end result in three commits, another day, with a user config that changes git diff's output.
  const other = await makeTree();
  ctx.others.push(other);
  gitSync(other, 'config', 'diff.noprefix', 'true');
  gitSync(other, 'config', 'diff.context', '8');
  await commitFeature(other, { 'daemon/daemon.go': PATCHED['daemon/daemon.go']! }, 'hook');
  await writeFiles(other, FULL);
  gitSync(other, 'add', '-A');
  gitSync(other, 'commit', '-q', '-m', 'store');
  await writeFiles(other, { 'cmd/dockerd/options.go': PATCHED['cmd/dockerd/options.go']!, 'daemon/config/config.go': PATCHED['daemon/config/config.go']! });
  gitSync(other, 'commit', '-q', '-am', 'flags');
  const project2 = await tempDir('dockerd-extra-project-');
  ctx.others.push(project2);
  await exportPatchSet(other, BASE_TAG, project2);
  assert.equal(await outputOf(project2), first);
});

Export('refuses a branch that touches vendor/', async (ctx) => {
  await commitFeature(ctx.moby, { ...PATCHED, 'vendor/github.com/moby/sys/mount/mount.go': 'package mount // patched\n' });
  const error = await refusal(ctx);
  assert.is(error.reason, 'vendor');
  assert.equal(error.paths, ['vendor/github.com/moby/sys/mount/mount.go']);
});

Export('refuses a branch that changes vendor.mod', async (ctx) => {
  await commitFeature(ctx.moby, { ...PATCHED, 'vendor.mod': 'module github.com/docker/docker\n\nrequire example.com/new v1.0.0\n' });
  const error = await refusal(ctx);
  assert.equal([error.reason, error.paths], ['vendor', ['vendor.mod']]);
});

Export('uncommitted changes are not exported and are reported', async (ctx) => {
  await commitFeature(ctx.moby);
  await writeFile(join(ctx.moby, 'Makefile'), 'all:\n\techo edited\n');
  const result = await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  assert.equal(result.uncommitted, ['Makefile']);
  assert.not.ok(result.patches.some((n) => n.includes('Makefile')));
});

Export('a branch with no commits past the base is refused and the earlier export is left as it was', async (ctx) => {
  await commitFeature(ctx.moby);
  await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  const before = await readFile(join(ctx.project, 'patches', BASE_TAG, 'series'), 'utf8');
  gitSync(ctx.moby, 'checkout', '-q', BASE_TAG);
  await writeFile(join(ctx.moby, 'Makefile'), 'all:\n\techo applied but not committed\n');
  try {
    await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
    assert.unreachable('an empty branch must be refused');
  } catch (error) {
    assert.instance(error, ExportRefusedError);
    assert.is((error as ExportRefusedError).reason, 'empty');
  }
  assert.is(await readFile(join(ctx.project, 'patches', BASE_TAG, 'series'), 'utf8'), before);
});

Export('the applied record of build-dockerd is never exported; untracked files are reported', async (ctx) => {
  await commitFeature(ctx.moby, { ...PATCHED, '.dockerd-extra-applied.json': '{"base":"v28.5.2"}\n' });
  await writeFile(join(ctx.moby, 'forgotten.go'), 'package forgotten\n');
  const result = await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  assert.not.ok(result.full.includes('.dockerd-extra-applied.json'));
  assert.equal(result.uncommitted, ['forgotten.go']);
});

Export('refuses a branch that deletes or renames a moby file', async (ctx) => {
  gitSync(ctx.moby, 'checkout', '-q', '-b', 'extra-storage');
  gitSync(ctx.moby, 'mv', 'Makefile', 'Makefile.old');
  gitSync(ctx.moby, 'commit', '-q', '-m', 'rename');
  const error = await refusal(ctx);
  assert.is(error.reason, 'deleted');
  assert.equal(error.paths, ['Makefile']);
});

Export('refuses a checkout without the base tag', async (ctx) => {
  await commitFeature(ctx.moby);
  gitSync(ctx.moby, 'tag', '-d', BASE_TAG);
  assert.is((await refusal(ctx)).reason, 'missing-base');
});

Export('refuses a binary file the branch adds', async (ctx) => {
  await commitFeature(ctx.moby, { ...PATCHED, 'docs/logo.png': '\x89PNG\r\n' });
  await writeFile(join(ctx.moby, 'docs/logo.png'), Buffer.from([0x89, 0x50, 0xff, 0xfe, 0x00]));
  gitSync(ctx.moby, 'commit', '-q', '-am', 'binary logo');
  assert.is((await refusal(ctx)).reason, 'binary');
});

Export('re-export removes the files an earlier export wrote that the branch no longer has', async (ctx) => {
  await commitFeature(ctx.moby);
  await exportPatchSet(ctx.moby, BASE_TAG, ctx.project, { release: 3 });
  await writeFile(join(ctx.project, 'patches', BASE_TAG, 'README.md'), 'notes a maintainer keeps here\n');
  gitSync(ctx.moby, 'checkout', '-q', BASE_TAG, '--', 'daemon/config/config.go');
  gitSync(ctx.moby, 'rm', '-q', '-r', 'daemon/extrastore/mount');
  gitSync(ctx.moby, 'commit', '-q', '-am', 'drop the config hook and the mount helper');
  const result = await exportPatchSet(ctx.moby, BASE_TAG, ctx.project);
  // Numbers follow path order, so the daemon.go patch is 0002 now and its old name goes too.
  assert.equal(result.removed, [
    `patches/${BASE_TAG}/0002-daemon-config-config.go.patch`,
    `patches/${BASE_TAG}/0003-daemon-daemon.go.patch`,
    `full/${BASE_TAG}/daemon/extrastore/mount/mount_linux.go`,
  ]);
  assert.equal(result.patches, ['0001-cmd-dockerd-options.go.patch', '0002-daemon-daemon.go.patch']);
  assert.is(result.release, 3, 'the release of the previous export is kept');
  const files = Object.keys(await outputOf(ctx.project)).sort();
  assert.equal(files, [
    `full/${BASE_TAG}/daemon/extrastore/store.go`,
    `patches/${BASE_TAG}/0001-cmd-dockerd-options.go.patch`,
    `patches/${BASE_TAG}/0002-daemon-daemon.go.patch`,
    `patches/${BASE_TAG}/README.md`,
    `patches/${BASE_TAG}/manifest.json`,
    `patches/${BASE_TAG}/series`,
  ]);
  await stat(join(ctx.project, 'full', BASE_TAG, 'daemon/extrastore/mount')).then(
    () => assert.unreachable('the emptied folder should be gone'),
    () => undefined,
  );
  await loadPatchSet(ctx.project, BASE_TAG);
});

Export('a v29 export with --carry-from copies only the files that are not the v28 files carried over', async (ctx) => {
  const v28File = 'package layer\n\nimport (\n\t"github.com/docker/docker/image"\n\t"github.com/docker/docker/errdefs"\n)\n';
  await writeFiles(join(ctx.project, 'full', 'v28.5.2'), { 'layer/extra.go': v28File, 'daemon/keep.go': 'package daemon\n' });
  const v28Manifest = { base: 'v28.5.2', release: 1, files: {}, full: { 'layer/extra.go': sha256(v28File), 'daemon/keep.go': sha256('package daemon\n') } };
  await writeFiles(join(ctx.project, 'patches', 'v28.5.2'), { series: '', 'manifest.json': formatManifest(v28Manifest) });
  const carried = 'package layer\n\nimport (\n\t"github.com/moby/moby/v2/daemon/internal/image"\n\t"github.com/moby/moby/v2/errdefs"\n)\n';
  const own = 'package daemon\n\n// only on v29\n';
  const moby = await makeRepo(BASE, 'docker-v29.7.2');
  ctx.others.push(moby);
  await commitFeature(moby, { ...PATCHED, 'daemon/internal/layer/extra.go': carried, 'daemon/keep.go': own });
  const result = await exportPatchSet(moby, 'docker-v29.7.2', ctx.project, { carryFrom: ['v28.5.2'] });
  assert.equal(result.carried, ['daemon/internal/layer/extra.go']);
  assert.equal(result.full, ['daemon/keep.go']);
  const copies = Object.keys(await outputOf(ctx.project)).filter((p) => p.startsWith('full/docker-v29.7.2/'));
  assert.equal(copies, ['full/docker-v29.7.2/daemon/keep.go'], 'the carried file has no copy');
  const set = await loadPatchSet(ctx.project, 'docker-v29.7.2');
  assert.is(set.manifest.carriedFrom, 'v28.5.2');
  const written = JSON.parse(await readFile(join(ctx.project, 'patches', 'docker-v29.7.2', 'manifest.json'), 'utf8'));
  assert.equal(Object.keys(written.full), ['daemon/keep.go'], "a carried file's sum is its own set's, not repeated here");
  assert.equal(set.fullFiles, ['daemon/internal/layer/extra.go', 'daemon/keep.go']);
  const read = fullReader(set);
  assert.is(read('daemon/internal/layer/extra.go'), carried);
  assert.is(read('daemon/keep.go'), own, 'its own file replaces the one it would carry');

  // A second export remembers where it carries from, and is byte-identical.
  const before = await outputOf(ctx.project);
  const again = await exportPatchSet(moby, 'docker-v29.7.2', ctx.project);
  assert.equal(again.carried, ['daemon/internal/layer/extra.go']);
  assert.equal(await outputOf(ctx.project), before);
});

Export("an older release of a line carries the v28 set's files and the newest set's own ones, copying neither", async (ctx) => {
  const shared = 'package layer\n\nimport "github.com/docker/docker/errdefs"\n';
  await writeFiles(join(ctx.project, 'full', 'v28.5.2'), { 'layer/extra.go': shared });
  await writeFiles(join(ctx.project, 'patches', 'v28.5.2'), { series: '', 'manifest.json': formatManifest({ base: 'v28.5.2', release: 1, files: {}, full: { 'layer/extra.go': sha256(shared) } }) });
  const v29Only = 'package containerd\n\n// the containerd store exists on v29 only\n';
  await writeFiles(join(ctx.project, 'full', 'docker-v29.7.2'), { 'daemon/containerd/extra.go': v29Only });
  await writeFiles(join(ctx.project, 'patches', 'docker-v29.7.2'), {
    series: '',
    'manifest.json': formatManifest({ base: 'docker-v29.7.2', release: 1, files: {}, full: { 'daemon/containerd/extra.go': sha256(v29Only) }, carriedFrom: 'v28.5.2' }),
  });
  const carried = 'package layer\n\nimport "github.com/moby/moby/v2/errdefs"\n';
  const moby = await makeRepo(BASE, 'docker-v29.3.1');
  ctx.others.push(moby);
  await commitFeature(moby, { ...PATCHED, 'daemon/internal/layer/extra.go': carried, 'daemon/containerd/extra.go': v29Only });

  const result = await exportPatchSet(moby, 'docker-v29.3.1', ctx.project, { carryFrom: ['v28.5.2', 'docker-v29.7.2'] });
  assert.equal(result.carried, ['daemon/containerd/extra.go', 'daemon/internal/layer/extra.go']);
  assert.equal(result.full, []);
  const set = await loadPatchSet(ctx.project, 'docker-v29.3.1');
  assert.equal(set.manifest.carriedFrom, ['v28.5.2', 'docker-v29.7.2']);
  assert.equal(set.fullFiles, ['daemon/containerd/extra.go', 'daemon/internal/layer/extra.go']);
  const read = fullReader(set);
  assert.is(read('daemon/containerd/extra.go'), v29Only);
  assert.is(read('daemon/internal/layer/extra.go'), carried);

  // Carrying from docker-v29.7.2 alone would miss the files it carries itself: refused, naming them.
  const manifestFile = join(ctx.project, 'patches', 'docker-v29.3.1', 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  await writeFile(manifestFile, formatManifest({ ...manifest, carriedFrom: 'docker-v29.7.2' }));
  try {
    await loadPatchSet(ctx.project, 'docker-v29.3.1');
    assert.unreachable('loaded');
  } catch (error) {
    assert.match((error as Error).message, /itself carries from v28\.5\.2: .*list v28\.5\.2 too/);
  }
});

Export('carrying from a set with no rewrite to this line is refused, naming both', async (ctx) => {
  await commitFeature(ctx.moby);
  try {
    await exportPatchSet(ctx.moby, BASE_TAG, ctx.project, { carryFrom: ['v27.5.1'] });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, /no rewrite from its line to v28\.5\.2/);
  }
});

Export.run();
