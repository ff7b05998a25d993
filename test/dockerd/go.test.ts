import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkGo, compareGoVersions, parseGoDirective, parseGoVersion } from '../../src/dockerd/go.ts';
import { GoMissingError, GoTooOldError } from '../../src/dockerd/errors.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { fakeGoDir, makeMobyTree } from '../moby/fixtures.ts';

const Go = suite('dockerd/go');

Go('parseGoDirective reads the go line of vendor.mod', () => {
  assert.is(parseGoDirective('module github.com/docker/docker\n\ngo 1.24.0\n\nrequire (\n)'), '1.24.0');
  assert.is(parseGoDirective('module x\ngo 1.23\n'), '1.23');
  assert.is(parseGoDirective('module x\ntoolchain go1.25.0\n'), undefined);
});

Go('parseGoVersion and compareGoVersions', () => {
  assert.is(parseGoVersion('go version go1.26.8 linux/amd64'), '1.26.8');
  assert.is(parseGoVersion('go version go1.24rc1 linux/amd64'), '1.24');
  assert.is(parseGoVersion('go version devel +abc linux/amd64'), undefined);
  assert.ok(compareGoVersions('1.24', '1.24.0') === 0);
  assert.ok(compareGoVersions('1.23.9', '1.24.0') < 0);
  assert.ok(compareGoVersions('1.26.8', '1.24.0') > 0);
});

Go('an old go on PATH is refused with the needed and found versions', async () => {
  const tree = await makeMobyTree();
  const bin = await fakeGoDir('1.19.3');
  try {
    await checkGo(tree, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, GoTooOldError);
    const e = error as GoTooOldError;
    assert.is(e.needed, '1.21.0');
    assert.is(e.found, '1.19.3');
    assert.is(e.path, `${bin}/go`);
  } finally {
    await removeDir(tree);
    await removeDir(bin);
  }
});

Go('a new enough go passes and reports both versions', async () => {
  const tree = await makeMobyTree();
  const bin = await fakeGoDir('1.21.0');
  try {
    assert.equal(await checkGo(tree, { ...process.env, PATH: `${bin}:${process.env.PATH}` }), { needed: '1.21.0', found: '1.21.0' });
  } finally {
    await removeDir(tree);
    await removeDir(bin);
  }
});

Go('no go on PATH is a GoMissingError naming the needed version', async () => {
  const tree = await makeMobyTree();
  const empty = await tempDir();
  try {
    await checkGo(tree, { ...process.env, PATH: `${empty}:/usr/bin/nonexistent` });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, GoMissingError);
    assert.is((error as GoMissingError).needed, '1.21.0');
  } finally {
    await removeDir(tree);
    await removeDir(empty);
  }
});

Go.run();
