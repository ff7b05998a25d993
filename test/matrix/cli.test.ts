import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MatrixReport } from '../../src/matrix/report.ts';
import { lastLine, makeProject, runCli } from '../dockerd/fixtures.ts';
import { gitSync, removeDir, tempDir, writeFiles } from '../helpers.ts';
import { fakeGoDir, makeMobyTree } from '../moby/fixtures.ts';

interface Ctx {
  project: string;
  goBin: string;
  /** A bare mirror: v27.0.0, v28.5.2-rc.1, v28.5.2 on three commits. */
  mirror: string;
  work: string;
  env: NodeJS.ProcessEnv;
  cleanup: string[];
}

const Matrix = suite<Ctx>('cli/matrix on a fixture mirror', {} as Ctx);

/** A bare clone of a fixture tree after `commits` more commits, each tagged. */
async function mirrorOf(tree: string, commits: [tag: string, files: Record<string, string | null>][], cleanup: string[]): Promise<string> {
  for (const [tag, files] of commits) {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) gitSync(tree, 'rm', '-q', path);
      else await writeFiles(tree, { [path]: content });
    }
    gitSync(tree, 'add', '-A');
    gitSync(tree, 'commit', '-q', '--allow-empty', '-m', tag);
    gitSync(tree, 'tag', tag);
  }
  const parent = await tempDir('dockerd-extra-mirror-');
  cleanup.push(tree, parent);
  gitSync(parent, 'clone', '-q', '--bare', tree, 'moby.git');
  return join(parent, 'moby.git');
}

Matrix.before.each(async (ctx) => {
  ctx.cleanup = [];
  ctx.project = await makeProject();
  ctx.goBin = await fakeGoDir('1.30.0');
  ctx.work = await tempDir('dockerd-extra-matrix-work-');
  ctx.mirror = await mirrorOf(await makeMobyTree('v27.0.0'), [['v28.5.2-rc.1', { 'daemon/notes.txt': 'rc\n' }], ['v28.5.2', { 'daemon/notes.txt': 'final\n' }]], ctx.cleanup);
  ctx.env = { ...process.env, PATH: `${ctx.goBin}:${process.env.PATH}`, DOCKERD_EXTRA_ROOT: ctx.project, DOCKERD_EXTRA_CACHE: join(ctx.project, 'cache'), CI: '1' };
});

Matrix.after.each(async (ctx) => {
  for (const dir of [ctx.project, ctx.goBin, ctx.work, ...ctx.cleanup]) await removeDir(dir);
});

const tableRow = (stdout: string, tag: string) => stdout.split('\n').find((line) => line.startsWith(`${tag} `))?.split(/ {2,}/);

Matrix('--plan-only without --tags plans every final tag of the supported lines, then removes its work tree', async ({ project, mirror, env }) => {
  const before = gitSync(mirror, 'for-each-ref');
  const r = await runCli(['matrix', '--repo', mirror, '--plan-only'], project, env);
  assert.is(r.code, 0, r.stderr);
  assert.equal(tableRow(r.stdout, 'v28.5.2')?.slice(0, 8), ['v28.5.2', 'v28.5.2', '0', 'planned', '-', '-', 'skipped', tableRow(r.stdout, 'v28.5.2')![7]!]);
  assert.is(tableRow(r.stdout, 'v27.0.0'), undefined, 'v27 has no patch-set line');
  assert.is(tableRow(r.stdout, 'v28.5.2-rc.1'), undefined, 'a pre-release is never run');
  assert.is(lastLine(r.stdout), '1 of 1 tag(s) passed');
  const tree = /^work tree (\S+) /m.exec(r.stdout)?.[1];
  assert.ok(tree && !existsSync(tree), `${tree} removed`);
  assert.is(gitSync(mirror, 'for-each-ref'), before, 'the mirror is only read');
  assert.not.ok(existsSync(join(mirror, 'worktrees')));
});

Matrix('a tag that fails does not stop the others; --json records the run and each row', async ({ project, mirror, env, work }) => {
  const json = join(work, 'matrix.json');
  const r = await runCli(['matrix', '--repo', mirror, '--tags', 'v27.0.0..v28.5.2', '--plan-only', '--json', json], project, env);
  assert.is(r.code, 1, r.stderr);
  const report = JSON.parse(await readFile(json, 'utf8')) as MatrixReport;
  assert.is(report.command, `npm run matrix -- --repo ${mirror} --tags v27.0.0..v28.5.2 --plan-only --json ${json}`);
  assert.ok(!Number.isNaN(Date.parse(report.started)));
  assert.is(report.host.node, process.version);
  assert.is(report.host.go, 'go version go1.30.0 linux/amd64');
  assert.ok(report.host.kernel.length > 0);
  assert.equal(report.summary, { tags: 2, passed: 1, failed: 1 });
  assert.equal(report.rows.map((row) => [row.tag, row.set, row.apply, row.failure?.stage ?? null]), [['v27.0.0', null, 'failed', 'apply'], ['v28.5.2', 'v28.5.2', 'planned', null]]);
  assert.match(tableRow(r.stdout, 'v27.0.0')!.at(-1)!, /^apply: .*v27\.0\.0/);
  assert.match(lastLine(r.stdout), `1 of 2 tag(s) passed; JSON in ${json}`);
});

Matrix('a full run builds each tag into its own folder; a broken build fails its tag only and the next is clean', async ({ project, env, work, cleanup }) => {
  // Two sets (v28.5.1 is v28.5.2's, renamed), and a v28.5.1 whose build breaks.
  for (const name of await readdir(join(project, 'patches/v28.5.2'))) {
    const text = await readFile(join(project, 'patches/v28.5.2', name), 'utf8');
    await writeFiles(project, { [`patches/v28.5.1/${name}`]: text.replace('"base": "v28.5.2"', '"base": "v28.5.1"') });
  }
  await writeFiles(project, { 'full/v28.5.1/daemon/extra/storage.go': await readFile(join(project, 'full/v28.5.2/daemon/extra/storage.go'), 'utf8') });
  const mirror = await mirrorOf(await makeMobyTree('v28.5.1', { 'daemon/BREAK_BUILD': 'x\n' }), [['v28.5.2', { 'daemon/BREAK_BUILD': null }]], cleanup);
  const r = await runCli(['matrix', '--repo', mirror, '--work-dir', work, '--json', join(work, 'm.json')], project, env);
  assert.is(r.code, 1, r.stderr);
  const rows = (JSON.parse(await readFile(join(work, 'm.json'), 'utf8')) as MatrixReport).rows;
  assert.equal(rows.map((row) => [row.tag, row.apply, row.build, row.validate, row.failure?.stage ?? null]), [
    ['v28.5.1', 'ok', 'failed', 'not-run', 'build'],
    ['v28.5.2', 'ok', 'ok', 'ok', null],
  ]);
  assert.equal(rows.map((row) => row.out), [join(work, 'v28.5.1'), join(work, 'v28.5.2')]);
  assert.ok(existsSync(join(work, 'v28.5.2/dockerd')));
  assert.ok(existsSync(join(work, 'v28.5.1/build-dockerd.log')));
  assert.not.ok(existsSync(join(work, 'moby')), 'the work tree is removed');
  assert.match(lastLine(r.stdout), `1 of 2 tag(s) passed; JSON in ${join(work, 'm.json')}; binaries and logs in ${work}`);
});

Matrix('Ctrl-C during a build stops the matrix, prints the table and removes the work tree', async ({ project, env, work, cleanup }) => {
  const mirror = await mirrorOf(await makeMobyTree('v28.5.2', { 'daemon/SLOW_BUILD': 'x\n' }), [], cleanup);
  const started = Date.now();
  const r = await runCli(['matrix', '--repo', mirror, '--work-dir', work], project, env, (child) => {
    const poll = setInterval(() => {
      if (existsSync(join(work, 'moby/bundles/.started'))) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 100);
    child.on('close', () => clearInterval(poll));
  });
  assert.ok(Date.now() - started < 45_000, 'the build was stopped, not waited for');
  assert.is.not(r.code, 0);
  assert.equal(tableRow(r.stdout, 'v28.5.2')?.slice(3, 5), ['ok', 'FAILED']);
  assert.match(tableRow(r.stdout, 'v28.5.2')!.at(-1)!, 'cancelled');
  assert.not.ok(existsSync(join(work, 'moby')));
});

Matrix('bad input exits 2 with one line: an unknown tag, a reversed range, a --repo that is not git, a --json folder missing', async ({ project, mirror, env, work }) => {
  for (const args of [
    ['--tags', 'v28.5.2,v28.9.9'],
    ['--tags', 'v28.5.2..v27.0.0'],
    ['--tags', 'v28.5.2-rc.1'],
    ['--repo', work, '--tags', 'v28.5.2'],
    ['--tags', 'v28.5.2', '--json', join(work, 'missing/m.json')],
  ]) {
    const r = await runCli(['matrix', '--repo', mirror, ...args, '--plan-only'], project, env);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.is(r.stdout, '', 'nothing started');
  }
  await writeFile(join(work, 'moby'), '');
  const busy = await runCli(['matrix', '--repo', mirror, '--work-dir', work, '--plan-only'], project, env);
  assert.is(busy.code, 2, 'an existing work tree is not taken over');
});

Matrix.run();
