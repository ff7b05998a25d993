import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BetweenTagsError } from '../../src/moby/errors.ts';
import { compareTags, detectVersion, newestBase, parseDescribe, requireSet, versionOfTag } from '../../src/moby/version.ts';
import { UnknownVersionError, UnsupportedVersionError } from '../../src/moby/errors.ts';
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

const BASES = ['v28.5.2', 'docker-v29.7.2'];

Version('requireSet gives the chosen set, or an UnsupportedVersionError with its reason and the supported tags', () => {
  assert.equal(requireSet('docker-v29.6.0', BASES), { kind: 'nearest', tag: 'docker-v29.6.0', line: 29, base: 'docker-v29.7.2', relation: 'newer' });
  for (const [tag, reason, line] of [['v27.1.0', 'no-set-for-line', 27], ['docker-v30.0.0', 'no-set-for-line', 30], ['v28.0.0-rc.1', 'pre-release', 28], ['main', 'not-an-engine-tag', undefined]] as const) {
    const e = failure(() => requireSet(tag, BASES)) as UnsupportedVersionError;
    assert.instance(e, UnsupportedVersionError);
    assert.equal([e.found, e.reason, e.line, e.supported, e.exitCode], [tag, reason, line, ['v28.5.2', 'docker-v29.7.2'], 2], tag);
  }
});

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return assert.unreachable('should have thrown');
}

/** One more commit on top of HEAD. */
function commit(dir: string, name: string): void {
  gitSync(dir, 'commit', '-q', '--allow-empty', '-m', name);
}

Version('detectVersion: exact tag, then a branch ahead of the tag', async () => {
  const dir = await makeMobyTree('v28.5.2');
  try {
    assert.equal(await detectVersion(dir, BASES), { tag: 'v28.5.2', ahead: 0, version: '28.5.2' });
    await writeFile(join(dir, 'daemon/new.go'), 'package daemon\n');
    gitSync(dir, 'add', '.');
    gitSync(dir, 'commit', '-q', '-m', 'feature');
    assert.equal(await detectVersion(dir, BASES), { tag: 'v28.5.2', ahead: 1, version: '28.5.2' });
  } finally {
    await removeDir(dir);
  }
});

Version('detectVersion takes the engine tag, not the Go module tag on the same commit', async () => {
  const dir = await makeMobyTree('v2.0.0-beta.13');
  try {
    gitSync(dir, 'tag', 'docker-v29.5.0');
    gitSync(dir, 'tag', 'api/v1.52.0');
    assert.equal(await detectVersion(dir, BASES), { tag: 'docker-v29.5.0', ahead: 0, version: '29.5.0' });
    commit(dir, 'past it');
    gitSync(dir, 'tag', 'v2.0.0-beta.14');
    assert.equal(await detectVersion(dir, BASES), { tag: 'docker-v29.5.0', ahead: 1, version: '29.5.0' });
  } finally {
    await removeDir(dir);
  }
});

Version('detectVersion refuses a commit between two releases, and names the later one', async () => {
  const dir = await makeMobyTree('v28.3.0');
  try {
    commit(dir, 'on the release branch');
    const between = gitSync(dir, 'rev-parse', 'HEAD').trim();
    commit(dir, 'released');
    gitSync(dir, 'tag', 'v28.3.1');
    gitSync(dir, 'checkout', '-q', between);
    try {
      await detectVersion(dir, BASES);
      assert.unreachable('a commit between v28.3.0 and v28.3.1 was accepted');
    } catch (error) {
      assert.instance(error, BetweenTagsError);
      assert.is((error as BetweenTagsError).exitCode, 2);
      assert.match((error as Error).message, /1 commit\(s\) past v28\.3\.0 and part of v28\.3\.1.*checkout v28\.3\.1/);
    }
    // A commit of one's own on top of the later release is a branch, not "between".
    gitSync(dir, 'checkout', '-q', 'v28.3.1');
    commit(dir, 'feature');
    assert.equal(await detectVersion(dir, BASES), { tag: 'v28.3.1', ahead: 1, version: '28.3.1' });
  } finally {
    await removeDir(dir);
  }
});

Version('detectVersion prefers the release over a release candidate on the same commit', async () => {
  const dir = await makeMobyTree('');
  try {
    // git describe itself would name the annotated rc here.
    gitSync(dir, 'tag', '-a', '-m', 'rc', 'v28.3.0-rc.2');
    gitSync(dir, 'tag', 'v28.3.0');
    commit(dir, 'past it');
    commit(dir, 'and again');
    assert.equal(await detectVersion(dir, BASES), { tag: 'v28.3.0', ahead: 2, version: '28.3.0' });
  } finally {
    await removeDir(dir);
  }
});

Version('detectVersion without any engine tag is an UnknownVersionError that lists the supported lines', async () => {
  for (const tag of ['', 'api/v1.52.0']) {
    const dir = await makeMobyTree(tag);
    try {
      await detectVersion(dir, BASES);
      assert.unreachable();
    } catch (error) {
      assert.instance(error, UnknownVersionError);
      assert.equal([(error as UnknownVersionError).supported, (error as UnknownVersionError).exitCode], [BASES, 2]);
    } finally {
      await removeDir(dir);
    }
  }
});

Version.run();
