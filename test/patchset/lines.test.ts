/**
 * The engine lines share the feature's sources: the v29 set holds no copy of the new files; each is
 * the v28 file carried over by the mechanical rewrite (moved packages, the v2 module path) when the
 * set is loaded, and must still match the hash the v29 export recorded. A file that differs on
 * purpose lives under full/docker-v29.7.2/ and must be named in DIFFERS_ON_PURPOSE; a file the v28 line has no use for, in V29_ONLY.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { removeDir, tempDir } from '../helpers.ts';
import { join } from 'node:path';
import { carryPath, carrySource, lineRewrite, originPath, SAME_LINE, sortImportGroups, V29_REWRITE } from '../../src/patchset/lines.ts';
import { loadPatchSet } from '../../src/patchset/patch-set.ts';
import { fullReader } from '../../src/patchset/readers.ts';
import { fullContent } from '../../src/patchset/plan.ts';
import { ManifestMismatchError } from '../../src/patchset/errors.ts';

const Lines = suite('patchset/lines');
const projectRoot = join(import.meta.dirname, '..', '..');
/** v29 files that are not the v28 file carried over, each with why. */
const DIFFERS_ON_PURPOSE: Record<string, string> = {};
/** New files of the v29 line alone, with why they have no v28 original. */
const V29_ONLY: Record<string, string> = {
  'daemon/containerd/image_pull_extra.go': "the containerd image store's NAME:TAG-extra pull; the v28 sets keep refusing that store",
};

Lines('paths move with the packages moby moved, and back', () => {
  for (const [v28, v29] of [
    ['cmd/dockerd/config.go', 'daemon/command/config.go'],
    ['layer/layer_store_extra.go', 'daemon/internal/layer/layer_store_extra.go'],
    ['daemon/extrastorage/store.go', 'daemon/extrastorage/store.go'],
    ['daemon/images/image_pull_extra.go', 'daemon/images/image_pull_extra.go'],
  ]) {
    assert.is(carryPath(v28!, V29_REWRITE), v29);
    assert.is(originPath(v29!, V29_REWRITE), v28);
  }
});

Lines('imports are rewritten by the first matching prefix and re-sorted within their group', () => {
  const v28 = [
    'package images',
    '',
    'import (',
    '\t"fmt"',
    '',
    '\t"github.com/containerd/platforms"',
    '\t"github.com/docker/docker/errdefs"',
    '\t"github.com/docker/docker/image"',
    '\tregistrytypes "github.com/docker/docker/api/types/registry"',
    '\t"github.com/docker/docker/pkg/stringid"',
    '\t"github.com/docker/docker/imagefoo"',
    ')',
    '',
    'const s = "github.com/docker/docker/image"',
    '',
  ].join('\n');
  const v29 = [
    'package images',
    '',
    'import (',
    '\t"fmt"',
    '',
    '\t"github.com/containerd/platforms"',
    '\tregistrytypes "github.com/moby/moby/api/types/registry"',
    '\t"github.com/moby/moby/v2/daemon/internal/image"',
    '\t"github.com/moby/moby/v2/daemon/internal/stringid"',
    '\t"github.com/moby/moby/v2/errdefs"',
    '\t"github.com/moby/moby/v2/imagefoo"',
    ')',
    '',
    'const s = "github.com/docker/docker/image"',
    '',
  ].join('\n');
  assert.is(carrySource(v28, V29_REWRITE), v29);
  assert.is(carrySource('package x\n\nimport "github.com/docker/docker/layer"\n', V29_REWRITE), 'package x\n\nimport "github.com/moby/moby/v2/daemon/internal/layer"\n');
});

Lines('sets carry within a line unchanged and from v28 to v29 rewritten, and nowhere else', () => {
  assert.is(lineRewrite('v28.5.2', 'v28.1.1'), SAME_LINE);
  assert.is(lineRewrite('docker-v29.7.2', 'docker-v29.3.1'), SAME_LINE);
  assert.is(lineRewrite('v28.5.2', 'docker-v29.3.1'), V29_REWRITE);
  assert.is(lineRewrite('docker-v29.7.2', 'v28.5.2'), undefined);
  assert.is(lineRewrite('v27.5.1', 'v28.5.2'), undefined);
  assert.is(carrySource('package x\n\nimport (\n\t"b"\n\t"a"\n)\n', SAME_LINE), 'package x\n\nimport (\n\t"a"\n\t"b"\n)\n');
});

Lines('a group with a comment is left in its order', () => {
  const block = '(\n\t"b"\n\t// why a\n\t"a"\n)';
  assert.is(sortImportGroups(block), block);
  assert.is(sortImportGroups('(\n\t"b"\n\t"a"\n\n\t"d"\n\t"c"\n)'), '(\n\t"a"\n\t"b"\n\n\t"c"\n\t"d"\n)');
});

Lines('docker-v29.7.2 carries every new file from v28.5.2, and each matches its manifest hash', async () => {
  const v28 = await loadPatchSet(projectRoot, 'v28.5.2');
  const v29 = await loadPatchSet(projectRoot, 'docker-v29.7.2');
  assert.is(v29.manifest.carriedFrom, 'v28.5.2');
  const own = v29.fullFiles.filter((p) => !(p in (v29.carried?.files ?? {})));
  assert.equal(own, [...Object.keys(DIFFERS_ON_PURPOSE), ...Object.keys(V29_ONLY)].sort(), 'files kept under full/docker-v29.7.2 (differing on purpose, or v29 only)');
  const shared = v29.fullFiles.filter((p) => !(p in V29_ONLY));
  assert.equal(v28.fullFiles.map((p) => carryPath(p, V29_REWRITE)).sort(), [...shared].sort(), 'the same files on both lines, but for the v29-only ones');
  const read = fullReader(v29);
  let lines = 0;
  let rewritten = 0;
  for (const path of shared) {
    const text = fullContent(v29, path, read); // throws when the carried text is not what the manifest says
    const before = await readFile(join(v28.fullDir, originPath(path, V29_REWRITE)), 'utf8');
    const kept = new Set(before.split('\n'));
    lines += text.split('\n').length;
    rewritten += text.split('\n').filter((l) => !kept.has(l)).length;
  }
  console.log(`  shared: ${v29.fullFiles.length} files, ${lines} lines written once; ${rewritten} import lines differ by the rewrite; own v29 files: ${own.length}`);
});

Lines('an edit to a carried file that its own set was not exported for stops every set that carries it', async () => {
  const project = await tempDir('dockerd-extra-lines-');
  try {
    await cp(join(projectRoot, 'patches'), join(project, 'patches'), { recursive: true });
    await cp(join(projectRoot, 'full'), join(project, 'full'), { recursive: true });
    const file = join(project, 'full', 'v28.5.2', 'daemon', 'extrastorage', 'tag.go');
    await writeFile(file, `${await readFile(file, 'utf8')}// edited, not exported\n`);
    for (const base of ['v28.1.1', 'docker-v29.7.2']) {
      try {
        await loadPatchSet(project, base);
        assert.unreachable(`${base} loaded`);
      } catch (error) {
        assert.instance(error, ManifestMismatchError);
        assert.match((error as Error).message, /full\/v28\.5\.2\/daemon\/extrastorage\/tag\.go/);
      }
    }
  } finally {
    await removeDir(project);
  }
});

Lines.run();
