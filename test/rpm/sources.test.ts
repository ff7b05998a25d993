/** SOURCES: engine.tgz made afresh with the engine/ top folder, extra-snapshotter.tgz on v29, and the tini installer swap. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MissingToolError } from '../../src/errors.ts';
import { fillSources, makeEngineTarball, swapTiniInstaller, TINI_INSTALLER } from '../../src/rpm/sources.ts';
import { stageSnapshotterSources } from '../../src/rpm/snapshotter-source.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';
import { onPath, removeDir, tempDir, writeFiles } from '../helpers.ts';

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

const list = (tarball: string) => execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);

Sources('fillSources: engine.tgz and the example always; extra-snapshotter.tgz exactly when packaged', async () => {
  const work = await tempDir();
  const sources = join(work, 'SOURCES');
  try {
    await writeFiles(join(work, 'stage'), { 'engine/main.go': 'package main\n', 'extra-snapshotter/snapshotter/go.mod': 'module x\n' });
    await writeFiles(join(work, 'rpm'), { 'daemon.json.extra-storage.example': '{}\n' });
    const o = { stageDir: join(work, 'stage'), sourcesDir: sources, projectRpmDir: join(work, 'rpm') };
    await fillSources({ ...o, snapshotter: true });
    assert.equal(list(join(sources, 'extra-snapshotter.tgz')), ['extra-snapshotter/', 'extra-snapshotter/snapshotter/', 'extra-snapshotter/snapshotter/go.mod']);
    assert.ok(existsSync(join(sources, 'engine.tgz')));
    assert.ok(existsSync(join(sources, 'daemon.json.extra-storage.example')));
    // A v28 run in the same folder leaves no archive of an earlier v29 one behind.
    await fillSources({ ...o, snapshotter: false });
    assert.not.ok(existsSync(join(sources, 'extra-snapshotter.tgz')));
  } finally {
    await removeDir(work);
  }
});

if (!onPath('go') || !onPath('make')) {
  console.log('SKIPPED rpm sources: staging the snapshotter needs go and make on PATH');
} else {
  Sources("the staged snapshotter holds its sources, the engine code it copies and vendor/; no bin/, no generated copies", async () => {
    const work = await tempDir();
    try {
      const top = await stageSnapshotterSources(REPO, work, join(work, 'vendor.log'));
      assert.is(top, join(work, 'extra-snapshotter'));
      const module = join(top, 'snapshotter');
      for (const path of ['go.mod', 'go.sum', 'Makefile', 'cmd/extra-snapshotter/main.go', 'systemd/extra-snapshotter.service', 'vendor/modules.txt']) {
        assert.ok(existsSync(join(module, path)), path);
      }
      assert.ok(existsSync(join(top, 'full/v28.5.2/daemon/extrastorage/store.go')));
      assert.not.ok(existsSync(join(module, 'bin')));
      assert.is(execFileSync('find', [join(module, 'internal'), '-name', 'gen_*.go'], { encoding: 'utf8' }), '');
      // What the spec runs builds from it offline.
      execFileSync('make', ['-C', module, 'build'], { env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=vendor', GOPROXY: 'off' }, stdio: 'ignore' });
      assert.ok(existsSync(join(module, 'bin/extra-snapshotter')));
    } finally {
      await removeDir(work);
    }
  });
}

Sources.run();
