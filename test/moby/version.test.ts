import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertBaseTag, compareTags, detectVersion, newestBase, parseDescribe, pickBase, versionOfTag } from '../../src/moby/version.ts';
import { MissingBaseTagError, UnknownVersionError, UnsupportedVersionError } from '../../src/moby/errors.ts';
import { gitSync, removeDir } from '../helpers.ts';
import { makeMobyTree } from './fixtures.ts';

const Version = suite('moby/version');

Version('parseDescribe reads the tag and distance from the end (tags may contain dashes)', () => {
  assert.equal(parseDescribe('v28.5.2-3-gabc1234\n'), { tag: 'v28.5.2', ahead: 3 });
  assert.equal(parseDescribe('docker-v29.7.2-12-g0123abcd'), { tag: 'docker-v29.7.2', ahead: 12 });
  assert.equal(parseDescribe('v28.5.2'), { tag: 'v28.5.2', ahead: 0 });
});

Version('versionOfTag strips v and docker-v prefixes', () => {
  assert.is(versionOfTag('v28.5.2'), '28.5.2');
  assert.is(versionOfTag('docker-v29.7.2'), '29.7.2');
  assert.is(versionOfTag('28.0.0'), '28.0.0');
});

Version('newestBase orders numerically across lines', () => {
  assert.is(newestBase(['v28.5.2', 'v28.10.0', 'v28.9.1']), 'v28.10.0');
  assert.is(newestBase(['v28.5.2', 'docker-v29.7.2']), 'docker-v29.7.2');
  assert.is(newestBase([]), undefined);
  assert.ok(compareTags('v28.5.2', 'v28.5.10') < 0);
});

Version('pickBase maps a tag to its patch set, or lists the supported ones', () => {
  assert.is(pickBase('v28.5.2', ['v28.5.2']), 'v28.5.2');
  try {
    pickBase('v27.1.0', ['v28.5.2', 'docker-v29.7.2']);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, UnsupportedVersionError);
    const e = error as UnsupportedVersionError;
    assert.is(e.found, 'v27.1.0');
    assert.equal(e.supported, ['v28.5.2', 'docker-v29.7.2']);
    assert.is(e.exitCode, 2);
  }
});

Version('detectVersion: exact tag, then a branch ahead of the tag', async () => {
  const dir = await makeMobyTree('v28.5.2');
  try {
    assert.equal(await detectVersion(dir), { tag: 'v28.5.2', ahead: 0, version: '28.5.2' });
    await writeFile(join(dir, 'daemon/new.go'), 'package daemon\n');
    gitSync(dir, 'add', '.');
    gitSync(dir, 'commit', '-q', '-m', 'feature');
    assert.equal(await detectVersion(dir), { tag: 'v28.5.2', ahead: 1, version: '28.5.2' });
  } finally {
    await removeDir(dir);
  }
});

Version('detectVersion without any tag is an UnknownVersionError', async () => {
  const dir = await makeMobyTree('');
  try {
    await detectVersion(dir);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, UnknownVersionError);
  } finally {
    await removeDir(dir);
  }
});

Version('assertBaseTag resolves a present tag and names a missing one', async () => {
  const dir = await makeMobyTree('v28.5.2');
  try {
    assert.is(await assertBaseTag(dir, 'v28.5.2'), gitSync(dir, 'rev-parse', 'HEAD').trim());
    try {
      await assertBaseTag(dir, 'v28.5.1');
      assert.unreachable();
    } catch (error) {
      assert.instance(error, MissingBaseTagError);
      assert.is((error as MissingBaseTagError).base, 'v28.5.1');
    }
  } finally {
    await removeDir(dir);
  }
});

Version.run();
