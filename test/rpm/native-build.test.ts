/**
 * The native flow end to end on a toy engine and a toy spec, with the real rpmbuild in the real
 * sandbox: what the RPMs hold, that the spec's writes to /go and /usr/local/bin never reach the
 * host, that a stale engine.tgz is not reused, and that verification refuses an unpatched binary.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GoTooOldError } from '../../src/dockerd/errors.ts';
import { VerifyError } from '../../src/rpm/errors.ts';
import { runRpm, type RpmRequest } from '../../src/rpm/pipeline.ts';
import type { PatchStep } from '../../src/rpm/stage.ts';
import { gitSync, removeDir, tempDir } from '../helpers.ts';
import { makeToyEngine, makeToyPackaging, nativeSkipReason, TINI_STATIC } from './fixtures.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';
import { SNAPSHOTTER_FILES } from '../../src/rpm/spec-snapshotter.ts';

const Native = suite('native rpm build of a toy engine');
const skip = nativeSkipReason();

/** The toy "patch set": one new file that makes the toy dockerd list --extra-storage. */
const toyPatch: PatchStep = async (dir) => {
  await writeFile(join(dir, 'daemon/extrastorage.go'), 'package daemon\n');
  return { note: 'toy patch applied', release: 1, empty: false };
};
const noPatch: PatchStep = async () => ({ note: 'nothing applied', release: 1, empty: false });

async function request(out: string, patch: PatchStep, line: 'v28' | 'v29' = 'v28'): Promise<RpmRequest> {
  return {
    moby: await makeToyEngine(line === 'v28' ? 'v28.5.2' : 'docker-v29.7.2'),
    packaging: await makeToyPackaging(line === 'v28' ? '28.x' : 'master'),
    distro: 'centos-9',
    mode: 'native',
    out,
    cwd: out,
    // Only read: the toy tree's tag gets its set from the real patches/ before `patch` stands in for it.
    projectRoot: REPO,
    projectRpmDir: join(REPO, 'rpm'),
    cacheDir: join(out, 'cache'),
    tiniStatic: TINI_STATIC,
    uid: process.getuid?.() ?? -1,
    patch,
  };
}

if (skip) {
  console.log(`SKIPPED native rpm build: ${skip}`);
} else {
  Native('builds docker-ce and its SRPM, verified, without writing outside the build folder', async () => {
    const out = await tempDir('dockerd-extra-rpm-');
    const marker = `/usr/local/bin/docker-init`;
    const hadInit = existsSync(marker);
    try {
      const req = await request(out, toyPatch);
      const userHead = gitSync(req.moby!, 'rev-parse', 'HEAD');
      // A stale engine.tgz from an earlier run must not be what gets packaged.
      await mkdir(join(out, 'rpmbuild/SOURCES'), { recursive: true });
      await writeFile(join(out, 'rpmbuild/SOURCES/engine.tgz'), 'stale');
      const state = await runRpm(req);

      const names = state.rpms.map((r) => r.path.split('/').at(-1)).sort();
      assert.equal(names, ['docker-ce-28.5.2-1.extra1.el9.src.rpm', `docker-ce-28.5.2-1.extra1.el9.${state.rpms.find((r) => !r.source)!.arch}.rpm`].sort());
      const binary = state.rpms.find((r) => !r.source)!;
      assert.is(binary.dockerdVersion, `Docker version 28.5.2-extra.1, build ${state.staged!.shortHead}`);
      assert.ok(binary.files.includes('/usr/share/doc/docker-ce/daemon.json.extra-storage.example'));
      assert.ok(!binary.files.includes('/etc/docker/daemon.json'), 'never ships the admin config');
      assert.ok(binary.digestsOk);
      assert.ok(binary.requires.includes('containerd.io >= 2.1.5'), 'the spec\'s requirement is kept');
      assert.not.ok(binary.requires.includes('libcgroup'), 'el9: %if 0%{?rhel} < 9 is false');
      assert.match(binary.info, /Release\s*: 1\.extra1\.el9/);

      // The staged commit is a new commit on top of the user's HEAD; the user's tree did not move.
      assert.is.not(state.staged!.head, userHead.trim());
      assert.is(gitSync(req.moby!, 'rev-parse', 'HEAD'), userHead);
      assert.is(gitSync(req.moby!, 'status', '--porcelain'), '');

      assert.ok(state.wroteOutside.some((p) => p.startsWith('/go/')), `sandbox saw /go: ${state.wroteOutside.join(' ')}`);
      assert.ok(state.wroteOutside.includes(marker));
      assert.not.ok(existsSync('/go'), '/go must not exist on the host');
      assert.is(existsSync(marker), hadInit, 'docker-init must not appear on the host');
      assert.is.not(await readFile(join(out, 'rpmbuild/SOURCES/engine.tgz'), 'utf8').catch(() => ''), 'stale');
    } finally {
      await removeDir(out);
    }
  });

  Native('refuses a tree whose go line is newer than the host\'s Go before rpmbuild runs', async () => {
    const out = await tempDir('dockerd-extra-rpm-');
    const newerGo: PatchStep = async (dir) => {
      await writeFile(join(dir, 'vendor.mod'), 'module github.com/docker/docker\n\ngo 99.0\n');
      return toyPatch(dir);
    };
    try {
      const error = await runRpm(await request(out, newerGo)).catch((e: unknown) => e);
      assert.instance(error, GoTooOldError);
      assert.is((error as GoTooOldError).needed, '99.0');
      assert.not.ok(existsSync(join(out, 'logs/rpmbuild.log')), 'rpmbuild never started');
    } finally {
      await removeDir(out);
    }
  });

  Native('refuses RPMs whose dockerd lacks the patch set', async () => {
    const out = await tempDir('dockerd-extra-rpm-');
    try {
      const error = await runRpm(await request(out, noPatch)).catch((e: unknown) => e);
      assert.instance(error, VerifyError);
      const failures = (error as VerifyError).failures;
      assert.equal(failures.map((f) => f.check), ['dockerd --help']);
      assert.is(failures[0]!.expected, 'lists --extra-storage');
    } finally {
      await removeDir(out);
    }
  });

  Native("a docker-v29 tree also gives docker-ce-extra-snapshotter: the project's snapshotter built in the sandbox, with its units", async () => {
    const out = await tempDir('dockerd-extra-rpm-');
    try {
      const state = await runRpm(await request(out, toyPatch, 'v29'));
      const arch = state.rpms.find((r) => !r.source)!.arch;
      assert.equal(state.rpms.map((r) => r.path.split('/').at(-1)).sort(), [
        `docker-ce-29.7.2-1.extra1.el9.${arch}.rpm`,
        'docker-ce-29.7.2-1.extra1.el9.src.rpm',
        `docker-ce-extra-snapshotter-29.7.2-1.extra1.el9.${arch}.rpm`,
      ].sort());
      const snapshotter = state.rpms.find((r) => r.name === 'docker-ce-extra-snapshotter')!;
      for (const file of SNAPSHOTTER_FILES) assert.ok(snapshotter.files.includes(file), file);
      assert.match(snapshotter.snapshotterHelp ?? '', 'Usage: extra-snapshotter');
      assert.ok(snapshotter.requires.includes('docker-ce = 3:29.7.2-1.extra1.el9'), snapshotter.requires.join(', '));
      assert.not.ok(state.rpms.find((r) => r.name === 'docker-ce' && !r.source)!.files.includes('/usr/bin/extra-snapshotter'));
      assert.ok(state.rpms.find((r) => r.source)!.files.includes('extra-snapshotter.tgz'));
      // The unit installed is the repository's own.
      const unit = join(out, 'extract', `docker-ce-extra-snapshotter-29.7.2-1.extra1.el9.${arch}`, 'usr/lib/systemd/system/extra-snapshotter.service');
      assert.is(await readFile(unit, 'utf8'), await readFile(join(REPO, 'snapshotter/systemd/extra-snapshotter.service'), 'utf8'));
      assert.match(await readFile(join(out, 'logs/rpmbuild.log'), 'utf8'), 'PASS: extra-snapshotter --help OK');
    } finally {
      await removeDir(out);
    }
  });
}

Native.run();
