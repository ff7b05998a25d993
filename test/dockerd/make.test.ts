import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildDockerd, stampFor } from '../../src/dockerd/make.ts';
import { ExecError } from '../../src/errors.ts';
import { gitSync, removeDir, tempDir } from '../helpers.ts';
import { makeMobyTree } from '../moby/fixtures.ts';

const Make = suite('dockerd/make');

Make('stampFor appends -extra.<release> to version and commit', () => {
  assert.equal(stampFor('28.5.2', '8ed7814', 1), { version: '28.5.2-extra.1', gitCommit: '8ed7814-extra.1' });
  assert.equal(stampFor('28.5.2', '8ed7814', undefined), { version: '28.5.2', gitCommit: '8ed7814' });
});

Make('builds with the stamp, copies dockerd and docker-proxy, leaves the tree clean', async () => {
  const tree = await makeMobyTree();
  const out = await tempDir();
  const lines: string[] = [];
  try {
    const stamp = stampFor('28.5.2', 'abc1234', 1);
    const logFile = join(out, 'build-dockerd.log');
    const built = await buildDockerd(tree, { stamp, outDir: out, logFile, env: process.env, onLine: (l) => lines.push(l) });
    assert.equal(built, [join(out, 'dockerd'), join(out, 'docker-proxy')]);
    assert.is(execFileSync(join(out, 'dockerd'), ['--version'], { encoding: 'utf8' }).trim(), 'Docker version 28.5.2-extra.1, build abc1234-extra.1');
    assert.ok(lines.includes('Created binary: bundles/dynbinary-daemon/dockerd'));
    assert.match(await readFile(logFile, 'utf8'), 'Making bundle: dynbinary');
    assert.is(gitSync(tree, 'status', '--porcelain', '--untracked-files=all'), '');
    assert.not.ok(existsSync(join(tree, 'go.mod')));
  } finally {
    await removeDir(tree);
    await removeDir(out);
  }
});

Make('a failing build throws the log tail and path, removes the temporary go.mod it left', async () => {
  const tree = await makeMobyTree('v28.5.2', { 'daemon/BREAK_BUILD': 'x\n' });
  const out = await tempDir();
  try {
    const logFile = join(out, 'build-dockerd.log');
    await buildDockerd(tree, { stamp: stampFor('28.5.2', 'abc1234', 1), outDir: out, logFile, env: process.env });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ExecError);
    const e = error as ExecError;
    assert.is(e.logPath, join(out, 'build-dockerd.log'));
    assert.is(e.stderrTail.length, 30);
    assert.is(e.stderrTail.at(-1), 'daemon/daemon.go:40: undefined: brokenThing');
    assert.is(gitSync(tree, 'status', '--porcelain', '--untracked-files=all'), '');
    assert.not.ok(existsSync(join(out, 'dockerd')));
  } finally {
    await removeDir(tree);
    await removeDir(out);
  }
});

Make('a tree that does not ignore bundles/ gets it removed after the copy', async () => {
  const tree = await makeMobyTree();
  const out = await tempDir();
  try {
    await writeFile(join(tree, '.gitignore'), '# nothing ignored\n');
    gitSync(tree, 'commit', '-q', '-am', 'no ignores');
    await buildDockerd(tree, { stamp: stampFor('28.5.2', 'abc1234', 1), outDir: out, logFile: join(out, 'log'), env: process.env });
    assert.ok(existsSync(join(out, 'dockerd')));
    assert.not.ok(existsSync(join(tree, 'bundles')));
    assert.is(gitSync(tree, 'status', '--porcelain', '--untracked-files=all'), '');
  } finally {
    await removeDir(tree);
    await removeDir(out);
  }
});

Make.run();
