import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitSync, onPath, removeDir, tempDir, writeFiles } from '../helpers.ts';
import { sha256 } from '../../src/digest.ts';
import { verifySnapshotter } from '../../src/dockerd/snapshotter.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';
import { fakeGoDir, makeMobyTree, MOBY_FILES } from '../moby/fixtures.ts';
import { FULL_FILE, FULL_FILE_2, lastLine, makeProject, PATCHED_CONFIG, PATCHED_CONFIG_2, runCli } from '../dockerd/fixtures.ts';

interface Ctx {
  /** A fake `go` new enough for the fixture, so the suite needs no Go installed. */
  goBin: string;
  project: string;
  tree: string;
  out: string;
  env: NodeJS.ProcessEnv;
}

const Build = suite<Ctx>('cli/build-dockerd', {} as Ctx);

Build.before.each(async (ctx) => {
  ctx.project = await makeProject();
  ctx.tree = await makeMobyTree();
  ctx.out = join(ctx.project, 'dist');
  ctx.goBin = await fakeGoDir('1.30.0');
  ctx.env = {
    ...process.env,
    PATH: `${ctx.goBin}:${process.env.PATH}`,
    DOCKERD_EXTRA_ROOT: ctx.project,
    DOCKERD_EXTRA_CACHE: join(ctx.project, 'cache'),
    CI: '1',
  };
});

Build.after.each(async (ctx) => {
  await removeDir(ctx.project);
  await removeDir(ctx.tree);
  await removeDir(ctx.goBin);
});

const status = (tree: string) => gitSync(tree, 'status', '--porcelain', '--untracked-files=all');
const builds = async (tree: string) => (await readFile(join(tree, 'bundles/.builds'), 'utf8').catch(() => '0')).trim();

Build('--dry-run prints the plan and writes nothing', async ({ project, tree, env }) => {
  const r = await runCli(['build-dockerd', '--moby', tree, '--dry-run'], project, env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'modify  cmd/dockerd/config.go  (patch, 1 hunk(s))');
  assert.match(r.stdout, 'create  daemon/extra/storage.go  (new file from full/)');
  assert.match(lastLine(r.stdout), /^dry run: 2 file\(s\) would be written to .* nothing was changed$/);
  assert.is(status(tree), '');
  assert.not.ok(existsSync(join(project, 'dist')));
});

Build('a full run applies, builds, verifies; the second run is a no-op that says so', async ({ project, tree, out, env }) => {
  const first = await runCli(['build-dockerd', '--moby', tree], project, env);
  assert.is(first.code, 0, first.stderr);
  assert.is(lastLine(first.stdout), `built dockerd 28.5.2-extra.1: ${join(out, 'dockerd')}, ${join(out, 'docker-proxy')} (log: ${join(out, 'build-dockerd.log')})`);
  assert.is(await readFile(join(tree, 'cmd/dockerd/config.go'), 'utf8'), PATCHED_CONFIG);
  assert.is(await readFile(join(tree, 'daemon/extra/storage.go'), 'utf8'), FULL_FILE);
  assert.ok(existsSync(join(out, 'build-stamp.json')));
  assert.is(await builds(tree), '1');

  const second = await runCli(['build-dockerd', '--moby', tree], project, env);
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stdout, 'already applied');
  assert.match(lastLine(second.stdout), /^dockerd 28\.5\.2-extra\.1 is up to date: .*dist\/dockerd/);
  assert.is(await builds(tree), '1');
});

Build('a changed binary in --out is rebuilt', async ({ project, tree, out, env }) => {
  assert.is((await runCli(['build-dockerd', '--moby', tree], project, env)).code, 0);
  await writeFile(join(out, 'dockerd'), '#!/bin/sh\necho tampered\n');
  const again = await runCli(['build-dockerd', '--moby', tree], project, env);
  assert.is(again.code, 0, again.stderr);
  assert.match(lastLine(again.stdout), /^built dockerd/);
  assert.is(await builds(tree), '2');
});

Build('--no-build stops after applying', async ({ project, tree, env }) => {
  const r = await runCli(['build-dockerd', '--moby', tree, '--no-build'], project, env);
  assert.is(r.code, 0, r.stderr);
  assert.match(lastLine(r.stdout), /^patch set v28\.5\.2-extra\.1 is in .* \(2 file\(s\) written\); not built \(--no-build\)$/);
  assert.is(status(tree).split('\n').filter(Boolean).length, 3);
  assert.not.ok(existsSync(join(project, 'dist')));
});

Build('a tree carrying an earlier release is taken back and upgraded; a failed build puts the old one back', async ({ project, tree, env }) => {
  assert.is((await runCli(['build-dockerd', '--moby', tree, '--no-build'], project, env)).code, 0);
  await makeProject({ release: 2, into: project });
  const dry = await runCli(['build-dockerd', '--moby', tree, '--dry-run'], project, env);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, 'take back the v28.5.2 release 1 applied earlier (2 file(s) restored from HEAD), then:');
  assert.is(await readFile(join(tree, 'cmd/dockerd/config.go'), 'utf8'), PATCHED_CONFIG);

  await writeFile(join(tree, 'daemon/BREAK_BUILD'), 'x\n');
  gitSync(tree, 'add', 'daemon/BREAK_BUILD');
  gitSync(tree, 'commit', '-q', '-m', 'break the build');
  const failed = await runCli(['build-dockerd', '--moby', tree, '--force'], project, env);
  assert.is(failed.code, 1);
  assert.is(await readFile(join(tree, 'cmd/dockerd/config.go'), 'utf8'), PATCHED_CONFIG);
  assert.is(await readFile(join(tree, 'daemon/extra/storage.go'), 'utf8'), FULL_FILE);
  assert.is(JSON.parse(await readFile(join(tree, '.dockerd-extra-applied.json'), 'utf8')).release, 1);

  gitSync(tree, 'rm', '-q', 'daemon/BREAK_BUILD');
  gitSync(tree, 'commit', '-q', '-m', 'fix the build');
  const r = await runCli(['build-dockerd', '--moby', tree], project, env);
  assert.is(r.code, 0, r.stderr);
  assert.match(lastLine(r.stdout), /^built dockerd 28\.5\.2-extra\.2/);
  assert.is(await readFile(join(tree, 'cmd/dockerd/config.go'), 'utf8'), PATCHED_CONFIG_2);
  assert.is(await readFile(join(tree, 'daemon/extra/storage.go'), 'utf8'), FULL_FILE_2);
  assert.is(JSON.parse(await readFile(join(tree, '.dockerd-extra-applied.json'), 'utf8')).release, 2);
});

Build('bad --moby values exit 2 with one line', async ({ project, env }) => {
  const plain = await tempDir();
  const notMoby = await tempDir();
  gitSync(notMoby, 'init', '-q');
  try {
    for (const [moby, text] of [
      ['/nonexistent/moby', 'does not exist'],
      [plain, 'is not a git checkout'],
      [notMoby, 'is not a moby tree (missing cmd/dockerd, daemon, hack/make.sh, vendor.mod)'],
    ] as const) {
      const r = await runCli(['build-dockerd', '--moby', moby], project, env);
      assert.is(r.code, 2, `${moby}: ${r.stderr}`);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, text);
    }
    const flag = await runCli(['build-dockerd', '--strategy', 'fuzzy'], project, env);
    assert.is(flag.code, 2);
    assert.match(flag.stderr, '--strategy must be one of diff, full');
  } finally {
    await removeDir(plain);
    await removeDir(notMoby);
  }
});

Build('a line we do not carry, a pre-release or a tree past no engine tag: one line, exit 2, tree untouched', async ({ project, env }) => {
  const cases: [string, string][] = [
    ['v27.0.1', 'moby v27.0.1 is engine line v27, which has no patch set; supported: v28.x.y (set v28.5.2); check out a release tag of one of those lines'],
    ['v30.0.0', 'moby v30.0.0 is engine line v30, which has no patch set'],
    ['docker-v30.1.0', 'moby docker-v30.1.0 is engine line v30, which has no patch set'],
    ['v28.0.0-rc.1', 'moby v28.0.0-rc.1 is a pre-release, which gets no patch set; supported: v28.x.y (set v28.5.2); check out a release tag'],
    ['v28.6.0-beta.1', 'moby v28.6.0-beta.1 is a pre-release'],
    ['', 'no engine tag (vNN.x.y, docker-vNN.x.y) in the history of its HEAD; supported: v28.x.y (set v28.5.2)'],
    ['api/v1.52.0', 'no engine tag'],
  ];
  for (const [tag, text] of cases) {
    const tree = await makeMobyTree(tag);
    try {
      const r = await runCli(['build-dockerd', '--moby', tree, '--dry-run'], project, env);
      assert.is(r.code, 2, `${tag}: ${r.stderr}`);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, text, tag);
      assert.is(status(tree), '', tag);
    } finally {
      await removeDir(tree);
    }
  }
});

Build('a release with no set of its own gets the nearest set of its line; the plan sums up the offsets', async ({ project, env }) => {
  const moved = MOBY_FILES['cmd/dockerd/config.go']!.replace('package main\n', 'package main\n\n// two more lines in this release\n');
  const older = await makeMobyTree('v28.3.0', { 'cmd/dockerd/config.go': moved });
  try {
    const dry = await runCli(['build-dockerd', '--moby', older, '--dry-run'], project, { ...env, DOCKERD_EXTRA_QUIET: '0' });
    assert.is(dry.code, 0, dry.stderr);
    assert.match(dry.stderr + dry.stdout, "moby v28.3.0 → patch set v28.5.2 release 1 (line v28's nearest set, made from a newer release; 1 patch(es)");
    assert.match(dry.stdout, '  offsets: 1 of 1 hunk(s) applied where the lines moved: cmd/dockerd/config.go +2\n');
    assert.is(status(older), '');
    const applied = await runCli(['build-dockerd', '--moby', older, '--no-build'], project, env);
    assert.is(applied.code, 0, applied.stderr);
    assert.is(await readFile(join(older, 'cmd/dockerd/config.go'), 'utf8'), PATCHED_CONFIG.replace('package main\n', 'package main\n\n// two more lines in this release\n'));
  } finally {
    await removeDir(older);
  }
});

Build('a dirty tree is refused with its files; --force lets it through', async ({ project, tree, env }) => {
  await writeFile(join(tree, 'daemon/daemon.go'), 'package daemon // local edit\n');
  await writeFile(join(tree, 'notes.txt'), 'mine\n');
  const r = await runCli(['build-dockerd', '--moby', tree, '--dry-run'], project, env);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'has 2 uncommitted change(s)');
  assert.match(r.stderr, '  daemon/daemon.go\n  notes.txt\n');
  // Under CI the line renderer draws the tasks; the refusal is still said once.
  const lines = await runCli(['build-dockerd', '--moby', tree, '--dry-run'], project, { ...env, DOCKERD_EXTRA_QUIET: '0' });
  const drawn = lines.stderr.replace(/\u001b\[[0-9;]*m/g, '');
  assert.match(drawn, /^✖ Open moby checkout\nerror: .* has 2 uncommitted change\(s\)/);
  assert.is(drawn.split('has 2 uncommitted change(s)').length - 1, 1, drawn);
  const forced = await runCli(['build-dockerd', '--moby', tree, '--no-build', '--force'], project, env);
  assert.is(forced.code, 0, forced.stderr);
  assert.is(await readFile(join(tree, 'daemon/daemon.go'), 'utf8'), 'package daemon // local edit\n');
});

Build('a conflicting hunk exits 1, shows file, hunk, expected and found, writes nothing', async ({ project, tree, env }) => {
  await writeFile(join(tree, 'cmd/dockerd/config.go'), 'package main\n\n// invented flags file\nfunc installFlags() {\n\tflagA()\n\tflagC()\n}\n');
  gitSync(tree, 'commit', '-q', '-am', 'upstream moved on');
  const before = status(tree);
  const r = await runCli(['build-dockerd', '--moby', tree], project, env);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'do not apply to');
  assert.match(r.stderr, 'cmd/dockerd/config.go @@ -4,4 +4,5 @@ (patches/v28.5.2/0001-cmd-dockerd-config.go.patch): context does not match');
  assert.match(r.stderr, '  expected:\n');
  assert.match(r.stderr, '| \tflagB()');
  assert.match(r.stderr, '| \tflagC()');
  assert.is(status(tree), before);
});

Build('a failing build shows the log tail and path and takes the patch set back', async ({ project, env }) => {
  const broken = await makeMobyTree('v28.5.2', { 'daemon/BREAK_BUILD': 'x\n' });
  try {
    const r = await runCli(['build-dockerd', '--moby', broken], project, env);
    assert.is(r.code, 1);
    const log = join(project, 'dist/build-dockerd.log');
    assert.match(r.stderr, `exited with code 1; full log: ${log}`);
    assert.match(r.stderr, 'the patch set this run applied was taken back, the tree is as before');
    assert.match(r.stderr, '  daemon/daemon.go:40: undefined: brokenThing\n');
    assert.is(r.stderr.split('\n').filter((l) => l.includes('brokenThing')).length, 30);
    assert.is(status(broken), '');
    assert.ok(existsSync(log));
  } finally {
    await removeDir(broken);
  }
});

Build('Ctrl-C during the build kills it, takes the patch set back and leaves no go.mod', async ({ project, env }) => {
  const slow = await makeMobyTree('v28.5.2', { 'daemon/SLOW_BUILD': 'x\n' });
  try {
    const started = Date.now();
    const r = await runCli(['build-dockerd', '--moby', slow], project, env, (child) => {
      const poll = setInterval(() => {
        if (existsSync(join(slow, 'bundles/.started'))) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 100);
      child.on('close', () => clearInterval(poll));
    });
    assert.ok(Date.now() - started < 45_000, 'the build was stopped, not waited for');
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, 'was cancelled');
    assert.match(r.stderr, 'the patch set this run applied was taken back');
    assert.is(status(slow), '');
    assert.not.ok(existsSync(join(slow, 'go.mod')));
  } finally {
    await removeDir(slow);
  }
});

Build('an old Go is refused before anything is written', async ({ project, tree, env }) => {
  const bin = await fakeGoDir('1.20.4');
  try {
    const r = await runCli(['build-dockerd', '--moby', tree], project, { ...env, PATH: `${bin}:${env.PATH}` });
    assert.is(r.code, 1);
    assert.match(r.stderr, `Go 1.21.0 or newer is needed (moby's vendor.mod), found go1.20.4 at ${bin}/go`);
    assert.is(status(tree), '');
  } finally {
    await removeDir(bin);
  }
});

Build('--strategy full writes the same tree as diff; on another release\'s files it says to use diff (exit 2)', async ({ project, tree, env }) => {
  const full = await runCli(['build-dockerd', '--moby', tree, '--strategy', 'full', '--no-build'], project, env);
  assert.is(full.code, 0, full.stderr);
  assert.is(await readFile(join(tree, 'cmd/dockerd/config.go'), 'utf8'), PATCHED_CONFIG);
  assert.is(await readFile(join(tree, 'daemon/extra/storage.go'), 'utf8'), FULL_FILE);
  // Same files under another tag name: the blobs are the set's base, so full needs no base tag.
  const same = await makeMobyTree('docker-v28.5.2');
  const moved = MOBY_FILES['cmd/dockerd/config.go']!.replace('package main\n', 'package main\n\n// two more lines in this release\n');
  const older = await makeMobyTree('v28.3.0', { 'cmd/dockerd/config.go': moved });
  try {
    const r = await runCli(['build-dockerd', '--moby', same, '--dry-run', '--strategy', 'full'], project, env);
    assert.is(r.code, 0, r.stderr);
    const refused = await runCli(['build-dockerd', '--moby', older, '--no-build', '--strategy', 'full'], project, env);
    assert.is(refused.code, 2);
    assert.is(refused.stderr, "error: v28.3.0's cmd/dockerd/config.go is not the file the v28.5.2 set was made from: use --strategy diff, which applies the patches where the lines moved\n");
    assert.is(status(older), '');
  } finally {
    await removeDir(same);
    await removeDir(older);
  }
});

Build('a v28 tree builds no extra-snapshotter and says why in one line', async ({ project, tree, out, env }) => {
  const r = await runCli(['build-dockerd', '--moby', tree], project, { ...env, DOCKERD_EXTRA_QUIET: '0' });
  assert.is(r.code, 0, r.stderr);
  const said = r.stdout.split('\n').filter((line) => line.includes('no extra-snapshotter'));
  assert.is(said.length, 1, r.stdout);
  assert.match(said[0]!, 'no extra-snapshotter: engine line v28 keeps extra-storage on the graphdriver store');
  assert.not.ok(existsSync(join(out, 'extra-snapshotter')));
  assert.match(lastLine(r.stdout), /^built dockerd 28\.5\.2-extra\.1: .*build-dockerd\.log\)$/);
});

/** The fixture project plus an (empty) docker-v29.7.2 set and the project's real snapshotter/ module. */
async function withV29Set(project: string): Promise<void> {
  await writeFiles(project, {
    'patches/docker-v29.7.2/series': '',
    'patches/docker-v29.7.2/manifest.json': JSON.stringify({ base: 'docker-v29.7.2', release: 1, files: {}, full: {} }),
  });
  await symlink(join(REPO, 'snapshotter'), join(project, 'snapshotter'));
}

const noGo = !onPath('go') ? 'go is not on PATH' : !onPath('make') ? 'make is not on PATH' : undefined;
if (noGo) {
  console.log(`SKIPPED cli/build-dockerd extra-snapshotter builds: ${noGo}`);
} else {
  Build('a docker-v29 tree gets extra-snapshotter next to dockerd, checked and stamped; --no-snapshotter leaves it out', async ({ project, out, env }) => {
    await withV29Set(project);
    const v29 = await makeMobyTree('docker-v29.7.2');
    // The real Go builds the snapshotter; the fixture's make.sh needs none.
    const realGo = { ...env, PATH: process.env.PATH };
    try {
      const r = await runCli(['build-dockerd', '--moby', v29], project, { ...realGo, DOCKERD_EXTRA_QUIET: '0' });
      assert.is(r.code, 0, r.stderr);
      assert.match(r.stdout, 'Verified: Usage: extra-snapshotter');
      const binary = join(out, 'extra-snapshotter');
      assert.match(lastLine(r.stdout), `; extra-snapshotter: ${binary} (log: ${join(out, 'build-snapshotter.log')})`);
      assert.match(await verifySnapshotter(binary), /^Usage: extra-snapshotter/);
      const stamp = JSON.parse(await readFile(join(out, 'build-stamp.json'), 'utf8')) as { snapshotter?: string };
      assert.is(stamp.snapshotter, sha256(await readFile(binary)));

      // Up to date: dockerd's build is skipped, the snapshotter's is Go's no-op and keeps the file.
      const again = await runCli(['build-dockerd', '--moby', v29], project, realGo);
      assert.is(again.code, 0, again.stderr);
      assert.match(lastLine(again.stdout), /^dockerd 29\.7\.2-extra\.1 is up to date: .*; extra-snapshotter: /);

      await rm(binary);
      const without = await runCli(['build-dockerd', '--moby', v29, '--no-snapshotter'], project, { ...realGo, DOCKERD_EXTRA_QUIET: '0' });
      assert.is(without.code, 0, without.stderr);
      assert.match(without.stdout, 'no extra-snapshotter: --no-snapshotter');
      assert.not.ok(existsSync(binary));
      assert.not.match(lastLine(without.stdout), 'extra-snapshotter');
    } finally {
      await removeDir(v29);
    }
  });
}

Build.run();
