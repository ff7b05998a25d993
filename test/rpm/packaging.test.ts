/** The packaging checkout: opened read-only or cloned at the branch of the engine line. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NotPackagingError, PackagingBranchError } from '../../src/rpm/errors.ts';
import { obtainPackaging, openPackaging } from '../../src/rpm/packaging.ts';
import { makeRepo, removeDir, tempDir } from '../helpers.ts';
import { makeToyPackaging } from './fixtures.ts';

const Packaging = suite('docker-ce-packaging checkout');

Packaging('opens a checkout on the right branch and lists its RPM distros and images', async () => {
  const dir = await makeToyPackaging('28.x');
  try {
    const p = await openPackaging(dir, '28.x', 'v28.5.2');
    assert.is(p.branch, '28.x');
    assert.equal(p.distros, ['centos-9', 'fedora-41']);
    assert.equal(p.images, { 'centos-9': 'quay.io/centos/centos:stream9' });
  } finally {
    await removeDir(dir);
  }
});

Packaging('a checkout on another branch is refused with both branches named', async () => {
  const dir = await makeToyPackaging('master');
  try {
    const error = await openPackaging(dir, '28.x', 'v28.5.2').catch((e: unknown) => e);
    assert.instance(error, PackagingBranchError);
    assert.equal([(error as PackagingBranchError).found, (error as PackagingBranchError).wanted], ['master', '28.x']);
  } finally {
    await removeDir(dir);
  }
});

Packaging('a folder without the spec is not a packaging checkout', async () => {
  const dir = await makeRepo({ 'README.md': 'x\n' });
  try {
    const error = await openPackaging(dir, '28.x', 'v28.5.2').catch((e: unknown) => e);
    assert.instance(error, NotPackagingError);
    assert.is((error as NotPackagingError).missing, 'rpm/SPECS/docker-ce.spec');
  } finally {
    await removeDir(dir);
  }
});

Packaging('a URL is cloned at the wanted branch into the cache, then reused', async () => {
  const upstream = await makeToyPackaging('28.x');
  const cache = await tempDir();
  try {
    const p = await obtainPackaging(`file://${upstream}`, '28.x', 'v28.5.2', cache, cache);
    assert.is(p.dir, join(cache, 'docker-ce-packaging-28.x'));
    assert.ok(existsSync(join(p.dir, 'rpm/SPECS/docker-ce.spec')));
    assert.is((await obtainPackaging(`file://${upstream}`, '28.x', 'v28.5.2', cache, cache)).dir, p.dir);
  } finally {
    await removeDir(upstream);
    await removeDir(cache);
  }
});

Packaging.run();
