/** store check / store ls run as a user runs them: exit codes, one-line errors, --json, --help. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verbs } from '../../src/cli/store.ts';
import { runCli, type CliResult } from '../dockerd/fixtures.ts';
import { removeDir } from '../helpers.ts';
import { makeStore, type Fixture } from './fixture.ts';

const root = new URL('../../', import.meta.url).pathname;
const cli = (args: string[]): Promise<CliResult> => runCli(['store', ...args], root, process.env);
const Cli = suite<{ fx: Fixture }>('cli/store: check and ls as a user runs them', { fx: undefined as unknown as Fixture });

Cli.before(async (ctx) => {
  ctx.fx = await makeStore([{ tags: ['busybox:latest'], layers: ['base'] }, { tags: ['me/tool:v1'], layers: ['base', 'tool'] }]);
});
Cli.after(async (ctx) => removeDir(ctx.fx.root));

Cli('check of a clean store: exit 0, nothing on stdout, one closing line', async ({ fx }) => {
  const r = await cli(['check', fx.root]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr, `store ${fx.root}: 2 images, 2 tags, 2 layers checked: clean, every tag pulls\n`);
});

Cli('ls: each tag with the name that pulls it, the shared base counted once', async ({ fx }) => {
  const r = await cli(['ls', fx.root]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n  busybox:latest  docker pull busybox:extra\n/);
  assert.match(r.stdout, /\n  me\/tool:v1  docker pull me\/tool:v1-extra\n/);
  assert.match(r.stdout, /\n2 images, 2 layers \(1 shared\): /);
  const json = JSON.parse((await cli(['ls', '--json', fx.root])).stdout);
  assert.equal(json.images.map((i: { tags: { pullName: string }[] }) => i.tags[0]!.pullName), ['busybox:extra', 'me/tool:v1-extra']);
  assert.is(json.store, fx.root);
});

Cli('check of a broken store: exit 1, one line per problem starting with its full path; --json says the same', async ({ fx }) => {
  const size = join(fx.root, 'image/overlay2/layerdb/sha256', fx.chains[1]![1]!.slice(7), 'size');
  await writeFile(size, 'many');
  const r = await cli(['check', fx.root]);
  const j = await cli(['check', '--json', fx.root]);
  await writeFile(size, '2000');
  assert.is(r.code, 1);
  assert.is(r.stdout, `${size}  size: size "many" is not an integer from 0 to ${2 ** 50}\n`);
  assert.match(r.stderr, /checked: 1 problem\n$/);
  assert.is(j.code, 1);
  assert.equal(JSON.parse(j.stdout).problems, [{ path: size, rule: 'size', message: `size "many" is not an integer from 0 to ${2 ** 50}` }]);
  assert.is(JSON.parse(j.stdout).clean, false);
});

Cli('ls of a folder that is no store: exit 1, one line naming repositories.json', async ({ fx }) => {
  const r = await cli(['ls', join(fx.root, 'overlay2')]);
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.is(r.stderr, `error: store ls: ${join(fx.root, 'overlay2/image/overlay2/repositories.json')}: does not exist (image is missing); is this a dockerd data-root (one that ran with --storage-driver overlay2)?\n`);
});

Cli('usage mistakes exit 2 with one line: no DIR, a missing DIR, a file, an unknown verb or option', async ({ fx }) => {
  const runs = await Promise.all([
    cli(['check']), cli(['check', '/nonexistent/store']), cli(['ls', join(fx.root, 'image/overlay2/repositories.json')]),
    cli(['frob']), cli([]), cli(['check', '--bogus', fx.root]), cli(['ls', fx.root, fx.root]),
    cli(['check', '--dockerd', '/x', fx.root]), cli(['check', '--deep', '--dockerd', '/nonexistent/dockerd', fx.root]),
  ]);
  for (const r of runs) {
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stdout, '');
    assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^error: /);
  }
  assert.match(runs[1]!.stderr, /\/nonexistent\/store does not exist/);
  assert.match(runs[2]!.stderr, /is not a directory/);
  assert.ok(runs[3]!.stderr.includes(`unknown verb "frob"; verbs: ${Object.keys(verbs).join(', ')};`), runs[3]!.stderr);
  assert.ok(['add', 'rm', 'check', 'ls'].every((v) => Object.keys(verbs).includes(v)));
  assert.match(runs[7]!.stderr, /--dockerd is for --deep/);
  assert.match(runs[8]!.stderr, process.getuid?.() === 0 ? /no patched dockerd at \/nonexistent\/dockerd/ : /needs root/);
});

Cli('--help: the verbs, and each verb its usage, options and example', async () => {
  const [top, check, ls] = await Promise.all([cli(['--help']), cli(['check', '--help']), cli(['ls', '-h'])]);
  assert.match(top.stdout, /^usage: npm run store -- VERB/);
  assert.match(top.stdout, /\n  check +\S/);
  assert.match(check.stdout, /^usage: npm run store -- check .*DIR\n/);
  assert.match(check.stdout, /\n  --json +/);
  assert.match(ls.stdout, /^usage: npm run store -- ls \[--json\] DIR\n/);
  for (const r of [top, check, ls]) assert.is(r.code, 0);
});

Cli.run();
