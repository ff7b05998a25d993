import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { SnapshotterBuildError, SnapshotterModuleMissingError, SnapshotterRejectedError } from '../../src/dockerd/errors.ts';
import { buildSnapshotter, chooseSnapshotter, SNAPSHOTTER_USAGE_MARK, verifySnapshotter } from '../../src/dockerd/snapshotter.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';
import { failureOf, onPath, removeDir, tempDir, writeFiles } from '../helpers.ts';

const Snapshotter = suite('dockerd/snapshotter');

Snapshotter('docker-v29 trees get extra-snapshotter; v28 trees and --no-snapshotter say why not', () => {
  assert.equal(chooseSnapshotter(29, true), { kind: 'build' });
  assert.equal(chooseSnapshotter(30, true), { kind: 'build' });
  const v28 = chooseSnapshotter(28, true);
  assert.is(v28.kind, 'skip');
  assert.match(v28.kind === 'skip' ? v28.reason : '', /^engine line v28 keeps extra-storage on the graphdriver store/);
  assert.equal(chooseSnapshotter(29, false), { kind: 'skip', reason: '--no-snapshotter' });
});

Snapshotter('a project without snapshotter/go.mod is refused before anything runs (exit 2, names --no-snapshotter)', async () => {
  const project = await tempDir();
  const out = join(project, 'dist');
  try {
    const error = await failureOf(buildSnapshotter({ projectRoot: project, outDir: out, logFile: join(out, 'log'), env: process.env }));
    assert.instance(error, SnapshotterModuleMissingError);
    assert.is((error as SnapshotterModuleMissingError).moduleDir, join(project, 'snapshotter'));
    assert.is((error as SnapshotterModuleMissingError).exitCode, 2);
    assert.match((error as Error).message, '--no-snapshotter');
    assert.not.ok(existsSync(out));
  } finally {
    await removeDir(project);
  }
});

Snapshotter('a binary that is not the snapshotter fails the check with what it printed', async () => {
  const dir = await tempDir();
  const impostor = join(dir, 'extra-snapshotter');
  await writeFile(impostor, '#!/bin/sh\necho "some other program"\n', { mode: 0o755 });
  try {
    const error = await failureOf(verifySnapshotter(impostor));
    assert.instance(error, SnapshotterRejectedError);
    assert.is((error as SnapshotterRejectedError).binary, impostor);
    assert.equal((error as SnapshotterRejectedError).output, ['some other program']);
  } finally {
    await removeDir(dir);
  }
});

const why = !onPath('go') ? 'go is not on PATH' : !onPath('make') ? 'make is not on PATH' : undefined;
if (why) {
  console.log(`SKIPPED dockerd/snapshotter builds: ${why}`);
} else {
  Snapshotter("builds the project's snapshotter/ into --out; a second build of the same sources keeps the file", async () => {
    const out = await tempDir();
    const logFile = join(out, 'build-snapshotter.log');
    try {
      const first = await buildSnapshotter({ projectRoot: REPO, outDir: out, logFile, env: process.env });
      assert.equal(first, { binary: join(out, 'extra-snapshotter'), replaced: true });
      assert.match(await verifySnapshotter(first.binary), /^Usage: extra-snapshotter/);
      assert.match(await readFile(logFile, 'utf8'), `$ make -C ${join(REPO, 'snapshotter')} build BIN=`);
      const before = await stat(first.binary);
      const second = await buildSnapshotter({ projectRoot: REPO, outDir: out, logFile, env: process.env });
      assert.equal(second, { binary: first.binary, replaced: false });
      assert.is((await stat(first.binary)).mtimeMs, before.mtimeMs);
      // Nothing of the build is left beside the binary and its log.
      assert.equal(execFileSync('ls', ['-A', out], { encoding: 'utf8' }).split('\n').filter(Boolean).sort(), ['build-snapshotter.log', 'extra-snapshotter']);
    } finally {
      await removeDir(out);
    }
  });

  Snapshotter('a module that does not compile fails with the log path and its tail; --out gets no binary', async () => {
    const project = await tempDir();
    const out = join(project, 'dist');
    await writeFiles(project, {
      'snapshotter/go.mod': 'module example.com/broken\n\ngo 1.21\n',
      'snapshotter/Makefile': 'build:\n\tgo build -o $(BIN)/extra-snapshotter .\n',
      'snapshotter/main.go': 'package main\n\nfunc main() { undefinedThing() }\n',
    });
    try {
      const error = await failureOf(buildSnapshotter({ projectRoot: project, outDir: out, logFile: join(out, 'build-snapshotter.log'), env: process.env }));
      assert.instance(error, SnapshotterBuildError);
      const e = error as SnapshotterBuildError;
      assert.is(e.logPath, join(out, 'build-snapshotter.log'));
      assert.ok(e.stderrTail.some((line) => line.includes('undefined: undefinedThing')), e.stderrTail.join('\n'));
      assert.match(await readFile(e.logPath, 'utf8'), 'undefined: undefinedThing');
      assert.equal(execFileSync('ls', ['-A', out], { encoding: 'utf8' }).split('\n').filter(Boolean), ['build-snapshotter.log']);
    } finally {
      await removeDir(project);
    }
  });
}

Snapshotter('the usage mark is what the snapshotter prints', async () => {
  const main = await readFile(join(REPO, 'snapshotter/cmd/extra-snapshotter/main.go'), 'utf8');
  assert.ok(main.includes(SNAPSHOTTER_USAGE_MARK));
});

Snapshotter.run();
