import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rm, writeFile, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../src/digest.ts';
import { changedFiles, parsePorcelainZ } from '../../src/exec/git.ts';
import { assertClean, dirtyFiles } from '../../src/moby/dirty.ts';
import { RECORD_FILE } from '../../src/patchset/record.ts';
import { DirtyTreeError } from '../../src/moby/errors.ts';
import { gitSync, removeDir } from '../helpers.ts';
import { makeMobyTree } from './fixtures.ts';

const Dirty = suite('moby/dirty');

Dirty('parsePorcelainZ reads paths, skipping the source of a rename', () => {
  const text = ' M daemon/daemon.go\0R  new.go\0old.go\0?? a b.go\0 D gone.go\0';
  assert.equal(parsePorcelainZ(text), ['daemon/daemon.go', 'new.go', 'a b.go', 'gone.go']);
});

Dirty('dirtyFiles leaves out the applied record and the files it lists', () => {
  const changed = ['daemon/daemon.go', RECORD_FILE, 'daemon/extra/storage.go', 'local.txt'];
  assert.equal(dirtyFiles(changed, ['daemon/daemon.go', 'daemon/extra/storage.go']), ['local.txt']);
});

Dirty('a clean tree passes; edits, deletions and untracked files in new folders are listed', async () => {
  const dir = await makeMobyTree();
  try {
    assert.equal(await assertClean(dir, {}, false), []);
    await writeFile(join(dir, 'daemon/daemon.go'), 'package daemon // edited\n');
    await rm(join(dir, 'cmd/dockerd/config.go'));
    await mkdir(join(dir, 'daemon/new/deeper'), { recursive: true });
    await writeFile(join(dir, 'daemon/new/deeper/x.go'), 'package deeper\n');
    assert.equal(await changedFiles(dir), ['cmd/dockerd/config.go', 'daemon/daemon.go', 'daemon/new/deeper/x.go'].sort());
    try {
      await assertClean(dir, {}, false);
      assert.unreachable();
    } catch (error) {
      assert.instance(error, DirtyTreeError);
      const e = error as DirtyTreeError;
      assert.equal(e.files, ['cmd/dockerd/config.go', 'daemon/daemon.go', 'daemon/new/deeper/x.go']);
      assert.equal(e.detailLines(), e.files);
    }
    assert.equal(await assertClean(dir, {}, true), ['cmd/dockerd/config.go', 'daemon/daemon.go', 'daemon/new/deeper/x.go']);
  } finally {
    await removeDir(dir);
  }
});

Dirty('a file the patch set wrote is ours only while it holds what the record says', async () => {
  const dir = await makeMobyTree();
  try {
    const patched = 'package daemon // patched by the set\n';
    await writeFile(join(dir, 'daemon/daemon.go'), patched);
    const applied = { 'daemon/daemon.go': sha256(patched) };
    assert.equal(await assertClean(dir, applied, false), []);
    await writeFile(join(dir, 'daemon/daemon.go'), patched + '// a local edit on top\n');
    try {
      await assertClean(dir, applied, false);
      assert.unreachable('a local edit of a patched file must be refused');
    } catch (error) {
      assert.instance(error, DirtyTreeError);
      assert.equal((error as DirtyTreeError).files, ['daemon/daemon.go']);
    }
  } finally {
    await removeDir(dir);
  }
});

Dirty('ignored build output (bundles/) is not a change', async () => {
  const dir = await makeMobyTree();
  try {
    await mkdir(join(dir, 'bundles/dynbinary-daemon'), { recursive: true });
    await writeFile(join(dir, 'bundles/dynbinary-daemon/dockerd'), 'x');
    assert.equal(await changedFiles(dir), []);
    gitSync(dir, 'mv', 'daemon/daemon.go', 'daemon/moved.go');
    assert.equal(await changedFiles(dir), ['daemon/moved.go']);
    await rename(join(dir, 'daemon/moved.go'), join(dir, 'daemon/daemon.go'));
  } finally {
    await removeDir(dir);
  }
});

Dirty.run();
