import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPatchSet, supportedBases } from '../../src/patchset/patch-set.ts';
import { UnsupportedVersionError } from '../../src/moby/errors.ts';
import { MalformedPatchError, PatchSetError, UnsupportedPatchError } from '../../src/patchset/errors.ts';
import { failureOf, removeDir, tempDir } from '../helpers.ts';
import { BASE_TAG, FULL, PATCHES, makeProject } from './fixtures.ts';

const Load = suite('patchset/patch-set (loading)');

async function failure(root: string, base = BASE_TAG): Promise<unknown> {
  try {
    await loadPatchSet(root, base);
  } catch (error) {
    return error;
  } finally {
    await removeDir(root);
  }
  return assert.unreachable('should have thrown');
}

Load('loads series, patches, manifest and the full/ files', async () => {
  const root = await makeProject();
  try {
    const set = await loadPatchSet(root, BASE_TAG);
    assert.equal(set.series.map((e) => e.name), Object.keys(PATCHES));
    assert.equal(set.patches.map((p) => p.name), Object.keys(PATCHES).map((n) => `patches/${BASE_TAG}/${n}`));
    assert.equal(set.fullFiles, Object.keys(FULL).sort());
    assert.is(set.fullModes['daemon/extrastore/store.go'], 0o644);
    assert.is(set.manifest.release, 1);
  } finally {
    await removeDir(root);
  }
});

Load('supported bases are the folders under patches/, in version order', async () => {
  const root = await tempDir();
  for (const base of ['v28.10.0', 'v28.5.2', 'docker-v29.7.2']) await mkdir(join(root, 'patches', base), { recursive: true });
  assert.equal(await supportedBases(root), ['docker-v29.7.2', 'v28.5.2', 'v28.10.0']);
  assert.equal(await supportedBases(join(root, 'nowhere')), []);
  await removeDir(root);
});

Load('an unsupported base names the supported ones', async () => {
  const error = (await failure(await makeProject(), 'v27.0.0')) as UnsupportedVersionError;
  assert.instance(error, UnsupportedVersionError);
  assert.equal(error.supported, [BASE_TAG]);
});

Load('a malformed patch is reported with the patch file and line', async () => {
  const patches = { ...PATCHES, '0002-daemon-config-config.go.patch': PATCHES['0002-daemon-config-config.go.patch']!.replace('@@ -5,4', '@@ -5,x') };
  const error = (await failure(await makeProject({ patches }))) as MalformedPatchError;
  assert.instance(error, MalformedPatchError);
  assert.is(error.patchFile, `patches/${BASE_TAG}/0002-daemon-config-config.go.patch`);
  assert.is(error.line, 4);
});

Load('a binary patch in the series is refused', async () => {
  const patches = { ...PATCHES, '0005-logo.patch': 'diff --git a/docs/logo.png b/docs/logo.png\nindex 1111111..2222222 100644\nGIT binary patch\nliteral 1\nIcmZ?w00001\n\n' };
  const error = (await failure(await makeProject({ patches }))) as UnsupportedPatchError;
  assert.instance(error, UnsupportedPatchError);
  assert.is(error.kind, 'binary');
  assert.is(error.patchFile, `patches/${BASE_TAG}/0005-logo.patch`);
});

Load('a patch file not listed in series is refused', async () => {
  const series = Object.keys(PATCHES).slice(0, 3);
  const error = (await failure(await makeProject({ series }))) as PatchSetError;
  assert.instance(error, PatchSetError);
  assert.match(error.file, '0004-daemon-daemon.go-import.patch');
});

Load('a series entry without its file is refused at its series line', async () => {
  const series = [...Object.keys(PATCHES), '0009-gone.patch'];
  const error = (await failure(await makeProject({ series }))) as MalformedPatchError;
  assert.instance(error, MalformedPatchError);
  assert.is(error.line, 5);
});

Load('a full/ file the manifest does not know is refused', async () => {
  const root = await makeProject();
  await writeFile(join(root, 'full', BASE_TAG, 'daemon', 'stray.go'), 'package daemon\n');
  const error = (await failure(root)) as PatchSetError;
  assert.instance(error, PatchSetError);
  assert.match(error.message, 'daemon/stray.go');
});

Load('a manifest entry whose full/ file is gone is refused', async () => {
  const root = await makeProject();
  await rm(join(root, 'full', BASE_TAG, 'daemon/extrastore/store.go'));
  assert.instance(await failure(root), PatchSetError);
});

Load('a broken manifest.json is refused', async () => {
  const root = await makeProject();
  await writeFile(join(root, 'patches', BASE_TAG, 'manifest.json'), '{"base": "v28.5.2", ');
  const error = (await failure(root)) as PatchSetError;
  assert.instance(error, PatchSetError);
  assert.is(error.file, `patches/${BASE_TAG}/manifest.json`);
});

Load('supportedBases: no patches/ folder is no base; one that cannot be read is an error', async () => {
  const root = await tempDir();
  try {
    assert.equal(await supportedBases(root), []);
    await writeFile(join(root, 'patches'), 'not a folder');
    assert.is(((await failureOf(supportedBases(root))) as NodeJS.ErrnoException).code, 'ENOTDIR');
  } finally {
    await removeDir(root);
  }
});

Load.run();
