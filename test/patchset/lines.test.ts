/**
 * The engine lines share the feature's sources: every full/ file of the v29 set is the v28 file
 * carried over by the mechanical rewrite (moved packages, the v2 module path), byte for byte. A file
 * that starts to differ for a reason of its own fails here and must be named in DIFFERS_ON_PURPOSE.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { carryPath, carrySource, originPath, sortImportGroups, V29_REWRITE } from '../../src/patchset/lines.ts';
import { loadPatchSet } from '../../src/patchset/patch-set.ts';

const Lines = suite('patchset/lines');
const projectRoot = join(import.meta.dirname, '..', '..');
/** v29 files that are not the v28 file carried over, each with why. */
const DIFFERS_ON_PURPOSE: Record<string, string> = {};

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

Lines('a group with a comment is left in its order', () => {
  const block = '(\n\t"b"\n\t// why a\n\t"a"\n)';
  assert.is(sortImportGroups(block), block);
  assert.is(sortImportGroups('(\n\t"b"\n\t"a"\n\n\t"d"\n\t"c"\n)'), '(\n\t"a"\n\t"b"\n\n\t"c"\n\t"d"\n)');
});

Lines('every full/ file of docker-v29.7.2 is its v28.5.2 file carried over (the shared sources)', async () => {
  const v28 = await loadPatchSet(projectRoot, 'v28.5.2');
  const v29 = await loadPatchSet(projectRoot, 'docker-v29.7.2');
  const differing: string[] = [];
  let shared = 0;
  let rewritten = 0;
  for (const path of v29.fullFiles) {
    const origin = originPath(path, V29_REWRITE);
    assert.ok(v28.fullFiles.includes(origin), `${path} has a v28 counterpart ${origin}`);
    const before = await readFile(join(v28.fullDir, origin), 'utf8');
    const after = await readFile(join(v29.fullDir, path), 'utf8');
    if (carrySource(before, V29_REWRITE) !== after) {
      differing.push(path);
      continue;
    }
    const lines = after.split('\n');
    shared += lines.length;
    rewritten += lines.filter((l, i) => l !== before.split('\n')[i]).length;
  }
  assert.equal(differing, Object.keys(DIFFERS_ON_PURPOSE).sort(), 'files that differ beyond the rewrite');
  assert.equal(v28.fullFiles.map((p) => carryPath(p, V29_REWRITE)).sort(), [...v29.fullFiles].sort(), 'the same files on both lines');
  console.log(`  shared: ${v29.fullFiles.length} files, ${shared} lines, of which ${rewritten} are import lines the rewrite changes; differing: ${differing.length}`);
});

Lines.run();
