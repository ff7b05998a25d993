/**
 * `rpm` run as a user runs it: bad input gives one line, a non-zero exit, and leaves the user's tree
 * as it was. The fake `docker` on PATH lets the --container runs reach the later checks.
 */
import { spawnSync } from 'node:child_process';
import { chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gitSync, makeRepo, removeDir, tempDir, writeFiles } from '../helpers.ts';
import { makeToyEngine, makeToyPackaging, nativeSkipReason, TOY_SPEC } from '../rpm/fixtures.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';

const Cli = suite('rpm CLI');
const BIN = join(REPO, 'src/bin.ts');

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function rpm(args: string[], env: Record<string, string> = {}): Ran {
  const result = spawnSync(process.execPath, ['--import', 'tsx', BIN, 'rpm', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKERD_EXTRA_QUIET: '1', ...env },
    cwd: REPO,
    timeout: 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A bin folder with `docker` answering `docker info` with the given exit code, then the real PATH. */
async function fakeDocker(infoExit: number): Promise<{ dir: string; PATH: string }> {
  const dir = await tempDir('dockerd-extra-bin-');
  await writeFiles(dir, { docker: `#!/bin/sh\n[ "$1" = info ] && { echo 28.2.2; exit ${infoExit}; }\nexit 1\n` });
  await chmod(join(dir, 'docker'), 0o755);
  return { dir, PATH: `${dir}:${process.env.PATH}` };
}

/** A project root with an empty patch set (v28.5.2 unless told), for runs that must get past the patch step. */
async function emptyPatchRoot(base = 'v28.5.2'): Promise<string> {
  const root = await tempDir('dockerd-extra-root-');
  await writeFiles(root, {
    [`patches/${base}/series`]: '',
    [`patches/${base}/manifest.json`]: `{"base":"${base}","release":1,"files":{},"full":{}}\n`,
  });
  return root;
}

const oneLine = (r: Ran) => r.stderr.trim().split('\n').filter((l) => !l.startsWith('  '));

Cli('--native with --container is a usage error', () => {
  const r = rpm(['--native', '--container', '--moby', '/nowhere']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--native and --container exclude each other/);
});

Cli('no rpmbuild: one line naming the package that installs it', async () => {
  const bin = await tempDir('dockerd-extra-bin-');
  try {
    await symlink('/bin/sh', join(bin, 'sh'));
    const r = rpm(['--native', '--moby', '/nowhere'], { PATH: bin });
    assert.is(r.status, 1);
    assert.equal(oneLine(r), ['error: rpmbuild was not found on PATH; install it with apt-get install rpm (Debian/Ubuntu) or dnf install rpm-build']);
  } finally {
    await removeDir(bin);
  }
});

/** Runs `check` with `rpm --container …` under a docker whose `docker info` exits `infoExit`; removes `temps` after. */
async function withDocker(infoExit: number, temps: string[], check: (run: (args: string[], env?: Record<string, string>) => Ran) => Promise<void> | void): Promise<void> {
  const docker = await fakeDocker(infoExit);
  try {
    await check((args, env = {}) => rpm(['--container', ...args], { PATH: docker.PATH, ...env }));
  } finally {
    for (const dir of [...temps, docker.dir]) await removeDir(dir);
  }
}

Cli('a tree that is not moby is refused (exit 2)', async () => {
  const tree = await makeRepo({ 'README.md': 'not moby\n' }, 'v28.5.2');
  await withDocker(0, [tree], (run) => {
    const r = run(['--moby', tree]);
    assert.is(r.status, 2);
    assert.match(oneLine(r)[0]!, /is not a moby tree \(missing cmd\/dockerd, daemon, hack\/make\.sh, vendor\.mod\)/);
    assert.is(gitSync(tree, 'status', '--porcelain'), '');
  });
});

Cli('a line without a patch set, or a pre-release, is refused before packaging is opened (exit 2)', async () => {
  for (const [tag, text] of [['v27.5.1', /^error: moby v27\.5\.1 is engine line v27, which has no patch set; supported: v28\.x\.y \(sets [^)]*v28\.5\.2\), docker-v29\.x\.y \(sets [^)]*docker-v29\.7\.2\)/], ['docker-v29.0.0-rc.2', /^error: moby docker-v29\.0\.0-rc\.2 is a pre-release/]] as const) {
    const tree = await makeToyEngine(tag);
    await withDocker(0, [tree], (run) => {
      const r = run(['--moby', tree, '--packaging', '/nowhere']);
      assert.is(r.status, 2, r.stderr);
      assert.equal(oneLine(r).length, 1, r.stderr);
      assert.match(oneLine(r)[0]!, text);
      assert.is(gitSync(tree, 'status', '--porcelain'), '');
    });
  }
});

Cli('an engine line with a set but no known packaging branch is refused (exit 2)', async () => {
  const tree = await makeToyEngine('v30.0.0');
  const root = await emptyPatchRoot('v30.0.0');
  await withDocker(0, [tree, root], (run) => {
    const r = run(['--moby', tree], { DOCKERD_EXTRA_ROOT: root });
    assert.is(r.status, 2);
    assert.match(oneLine(r)[0]!, /^error: moby 30\.0\.0 has no known docker-ce-packaging branch \(known engine lines: 28\.x, 29\.x\)/);
  });
});

Cli('without a patch set to default to, upstream is not cloned: refused, saying patches/ is empty (exit 2)', async () => {
  const root = await tempDir('dockerd-extra-root-');
  await withDocker(0, [root], (run) => {
    const r = run([], { DOCKERD_EXTRA_ROOT: root, DOCKERD_EXTRA_CACHE: join(root, 'cache') });
    assert.is(r.status, 2);
    assert.match(oneLine(r)[0]!, 'the project has no patch set (patches/ is empty)');
  });
});

Cli('a v29 tree with no set of its own takes the nearest v29 set and needs packaging branch master (exit 2 on 28.x)', async () => {
  const tree = await makeToyEngine('docker-v29.6.0');
  const root = await emptyPatchRoot('docker-v29.7.2');
  const packaging = await makeToyPackaging('28.x');
  await withDocker(0, [tree, root, packaging], (run) => {
    const r = run(['--moby', tree, '--packaging', packaging], { DOCKERD_EXTRA_ROOT: root });
    assert.is(r.status, 2);
    assert.match(r.stderr, /is on "28\.x" but moby docker-v29\.6\.0 needs branch master/);
  });
});

Cli('a packaging checkout on the wrong branch is refused with the branch to use (exit 2)', async () => {
  const tree = await makeToyEngine();
  const packaging = await makeToyPackaging('master');
  await withDocker(0, [tree, packaging], (run) => {
    const r = run(['--moby', tree, '--packaging', packaging]);
    assert.is(r.status, 2);
    assert.equal(oneLine(r).length, 1);
    assert.match(r.stderr, /is on "master" but moby v28\.5\.2 needs branch 28\.x; run git -C .* checkout 28\.x/);
    assert.is(gitSync(packaging, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'master');
  });
});

/** A toy engine and packaging, an empty patch set and an --out, for runs that get as far as the build. */
async function buildInputs() {
  const [tree, packaging, root, out] = [await makeToyEngine(), await makeToyPackaging(), await emptyPatchRoot(), await tempDir()];
  return { tree, packaging, root, out, args: ['--moby', tree, '--packaging', packaging, '--out', out], env: { DOCKERD_EXTRA_ROOT: root } };
}

Cli('--container without an engine says so in one line and points at --native', async () => {
  const { tree, packaging, root, out, args, env } = await buildInputs();
  await withDocker(1, [tree, packaging, root, out], (run) => {
    const r = run(args, env);
    assert.is(r.status, 1);
    assert.equal(oneLine(r), ['error: --container needs a Docker engine and registry access, but no Docker engine answers `docker info`; build natively instead with --native']);
  });
});

Cli('a tree with local changes is refused with their list; --force carries them into the build', async () => {
  const { tree, packaging, root, out, args, env } = await buildInputs();
  await withDocker(1, [tree, packaging, root, out], async (run) => {
    await writeFiles(tree, { 'daemon/local-edit.go': 'package daemon // not committed\n' });
    const refused = run(args, env);
    assert.is(refused.status, 1);
    assert.match(refused.stderr, /daemon\/local-edit\.go/);
    // With --force the run gets past the tree check and stops later, at the missing engine.
    const forced = run(['--force', ...args], env);
    assert.is(forced.status, 1);
    assert.match(forced.stderr, /no Docker engine answers/);
  });
});

const skip = nativeSkipReason();
if (skip) console.log(`SKIPPED rpm CLI failing rpmbuild: ${skip}`);
else
  Cli('a failing rpmbuild: the last lines of its log and the log path, the user tree untouched', async () => {
    const tree = await makeToyEngine();
    const packaging = await makeToyPackaging();
    await writeFiles(packaging, { 'rpm/SPECS/docker-ce.spec': TOY_SPEC.replace('%build\n', '%build\necho "toy build breaks here"; exit 3\n') });
    gitSync(packaging, 'commit', '-q', '-a', '-m', 'broken spec');
    const root = await emptyPatchRoot();
    const out = await tempDir();
    try {
      const r = rpm(['--native', '--moby', tree, '--packaging', packaging, '--out', out], { DOCKERD_EXTRA_ROOT: root });
      assert.is(r.status, 1);
      const [first, ...tail] = r.stderr.trim().split('\n');
      assert.match(first!, /^error: rpmbuild -ba docker-ce\.spec exited with code 1; the last \d+ lines of its log follow, full log: .*\/logs\/rpmbuild\.log$/);
      assert.ok(tail.some((l) => l.includes('toy build breaks here')), r.stderr);
      assert.ok(tail.length <= 30);
      assert.is(gitSync(tree, 'status', '--porcelain'), '');
    } finally {
      for (const dir of [tree, packaging, root, out]) await removeDir(dir);
    }
  });

Cli.run();
