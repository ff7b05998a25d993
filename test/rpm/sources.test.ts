/** SOURCES: engine.tgz made afresh with the engine/ top folder, and the tini installer swap. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MissingToolError } from '../../src/errors.ts';
import { makeEngineTarball, swapTiniInstaller, TINI_INSTALLER } from '../../src/rpm/sources.ts';
import { removeDir, tempDir, writeFiles } from '../helpers.ts';

const Sources = suite('rpm sources');

Sources('engine.tgz has the single top folder engine/, no .git, and replaces a stale one', async () => {
  const work = await tempDir();
  try {
    await writeFiles(join(work, 'stage'), { 'engine/cmd/dockerd/main.go': 'package main\n', 'engine/.git/HEAD': 'ref: x\n' });
    await mkdir(join(work, 'SOURCES'));
    await writeFile(join(work, 'SOURCES/engine.tgz'), 'stale from an earlier run');
    const tarball = await makeEngineTarball(join(work, 'stage'), join(work, 'SOURCES'));
    const names = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.equal(names, ['engine/', 'engine/cmd/', 'engine/cmd/dockerd/', 'engine/cmd/dockerd/main.go']);
  } finally {
    await removeDir(work);
  }
});

Sources('the swapped installer puts the host tini-static at ${PREFIX}/docker-init, no clone', async () => {
  const work = await tempDir();
  try {
    const tini = join(work, 'tini-static');
    await writeFiles(work, { 'tini-static': '#!/bin/sh\necho tini\n', [`engine/${TINI_INSTALLER}`]: 'install_tini() { git clone x; }\n' });
    await swapTiniInstaller(join(work, 'engine'), tini);
    const text = await readFile(join(work, 'engine', TINI_INSTALLER), 'utf8');
    assert.not.match(text, /git clone/);
    execFileSync('sh', ['-c', `. "$1"; install_tini`, 'sh', join(work, 'engine', TINI_INSTALLER)], { env: { ...process.env, PREFIX: join(work, 'prefix') } });
    assert.is(await readFile(join(work, 'prefix/docker-init'), 'utf8'), '#!/bin/sh\necho tini\n');
  } finally {
    await removeDir(work);
  }
});

Sources('no tini-static on the host: one error naming the package, the tree untouched', async () => {
  const work = await tempDir();
  try {
    await writeFiles(work, { [`engine/${TINI_INSTALLER}`]: 'original\n' });
    const error = await swapTiniInstaller(join(work, 'engine'), join(work, 'absent')).catch((e: unknown) => e);
    assert.instance(error, MissingToolError);
    assert.match((error as MissingToolError).hint, /apt-get install tini/);
    assert.is(await readFile(join(work, 'engine', TINI_INSTALLER), 'utf8'), 'original\n');
    assert.ok(existsSync(join(work, 'engine')));
  } finally {
    await removeDir(work);
  }
});

Sources.run();
