import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { runCli, type CliResult } from '../dockerd/fixtures.ts';
import { removeDir, tempDir, writeFiles } from '../helpers.ts';

const root = new URL('../../', import.meta.url).pathname;
const COMMANDS = ['build-dockerd', 'rpm', 'validate-config', 'export-patches', 'e2e', 'bench', 'matrix', 'store'];
/** How the help and the errors tell a user to start each command. */
const invocation = (name: string) => (name === 'validate-config' ? 'validate-config' : `npm run ${name} --`);
const Help = suite('cli: every command explains itself (--help, -h, --version)');

const cli = (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> => runCli(args, root, env);

Help('each store verb is also a command named after its file, with the same help', async () => {
  for (const verb of ['add', 'check', 'ls', 'rm']) {
    const [alone, viaStore] = await Promise.all([cli([`store-${verb}`, '--help']), cli(['store', verb, '--help'])]);
    assert.is(alone.code, 0, `store-${verb}: ${alone.stderr}`);
    assert.is(alone.stdout, viaStore.stdout, `store-${verb} --help is store ${verb} --help`);
    assert.ok(alone.stdout.startsWith(`usage: npm run store -- ${verb} `), alone.stdout);
  }
});

Help('each command answers --help with its usage, options and one example, exit 0; -h is the same', async () => {
  // -h for two commands only: it is one code path, and each run of the sources costs a second.
  const runs = await Promise.all(COMMANDS.map(async (name) => [name, await cli([name, '--help']), ['rpm', 'validate-config'].includes(name) ? await cli([name, '-h']) : undefined] as const));
  for (const [name, long, short] of runs) {
    assert.is(long.code, 0, `${name}: ${long.stderr}`);
    assert.is(long.stderr, '', name);
    assert.ok(long.stdout.startsWith(`usage: ${invocation(name)} `), `${name}: ${long.stdout}`);
    assert.match(long.stdout, /\noptions:\n(  -?-\S.*\n)+\nexample:\n  \S.*\n$/, name);
    assert.match(long.stdout, /\n  -h, --help +show this help/, name);
    assert.match(long.stdout, /\n  --version +print the project version/, name);
    if (!short) continue;
    assert.is(short.stdout, long.stdout, `${name}: -h is --help`);
    assert.is(short.code, 0);
  }
});

Help('--help is answered before the options are checked (export-patches needs --moby, bench --dockerd)', async () => {
  for (const r of await Promise.all([cli(['export-patches', '--help']), cli(['bench', '--runs', '0', '-h'])])) {
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: /);
  }
});

Help('--version prints the project version, the engine lines and the sets under patches/ each is served by', async () => {
  const project = await tempDir('help-version-');
  try {
    await writeFiles(project, { 'package.json': '{"version": "9.8.7"}', 'patches/v28.5.2/series': '', 'patches/v28.10.1/series': '', 'patches/README': '' });
    const env = { ...process.env, DOCKERD_EXTRA_ROOT: project };
    const runs = await Promise.all([cli(['--version'], env), cli(['validate-config', '--version'], env), cli(['rpm', '--version'], env)]);
    for (const r of runs) {
      assert.is(r.code, 0, r.stderr);
      assert.is(r.stdout, 'dockerd-extra 9.8.7\nengine lines: v28 (set v28.5.2, used up to v28.5.2; set v28.10.1, used after v28.5.2)\n');
    }
    const own = await cli(['build-dockerd', '--version']);
    assert.match(own.stdout, new RegExp(`^dockerd-extra ${JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version}\nengine lines: v28 \\([^)]*set v28\\.5\\.2, used after [^)]*\\), v29 \\([^)]*set docker-v29\\.7\\.2, used after [^)]*\\)\n$`));
  } finally {
    await removeDir(project);
  }
});

Help('an unknown option exits 2 with one line that points at the command\'s --help, not the README', async () => {
  const runs = await Promise.all(COMMANDS.map(async (name) => [name, await cli([name, '--bogus'])] as const));
  for (const [name, r] of runs) {
    assert.is(r.code, 2, name);
    assert.is(r.stdout, '');
    assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^error: .*'--bogus'.*; see /);
    assert.ok(r.stderr.trimEnd().endsWith(`see ${invocation(name)} --help`), r.stderr);
    assert.not.match(r.stderr, /README/);
  }
});

Help('the top level: --help lists every command, an unknown or missing command exits 2 pointing at --help', async () => {
  const [help, short, unknown, none, flag] = await Promise.all([cli(['--help']), cli(['-h']), cli(['constructor']), cli([]), cli(['--bogus'])]);
  assert.is(help.code, 0);
  assert.is(short.stdout, help.stdout);
  for (const name of COMMANDS) assert.match(help.stdout, new RegExp(`\\n  ${name} +\\S`));
  assert.match(help.stdout, /\nexample:\n  npm run /);
  for (const r of [unknown, none, flag]) {
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /; see npx tsx src\/bin\.ts --help\n$/);
  }
  assert.match(unknown.stderr, /unknown command "constructor"/);
});

Help.run();
