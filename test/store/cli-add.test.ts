/** store add / store rm as a user runs them, where no dockerd is needed: usage mistakes and refusals, exit 2, nothing written. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, type CliResult } from '../dockerd/fixtures.ts';
import { removeDir, tempDir } from '../helpers.ts';

const root = new URL('../../', import.meta.url).pathname;
const cli = (args: string[]): Promise<CliResult> => runCli(['store', ...args], root, process.env);
const Cli = suite<{ work: string; fakeDockerd: string }>('cli/store: add and rm refuse what they cannot do, with one line', { work: '', fakeDockerd: '' });

Cli.before(async (ctx) => {
  ctx.work = await tempDir('dockerd-extra-cli-add-');
  ctx.fakeDockerd = join(ctx.work, 'dockerd');
  await writeFile(ctx.fakeDockerd, '');
});
Cli.after(async (ctx) => removeDir(ctx.work));

function oneLineError(r: CliResult, pattern: RegExp): void {
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

Cli('usage: no --store, no IMAGE, an IMAGE that does not exist, a directory that is no OCI layout', async ({ work }) => {
  await mkdir(join(work, 'not-oci'));
  const [noStore, noImage, missing, notOci] = await Promise.all([
    cli(['add', 'x.tar']), cli(['add', '--store', join(work, 's')]), cli(['add', '--store', join(work, 's'), join(work, 'x.tar')]), cli(['add', '--store', join(work, 's'), join(work, 'not-oci')]),
  ]);
  oneLineError(noStore, /^error: store add: --store DIR is required/);
  oneLineError(noImage, /^error: store add: give at least one IMAGE/);
  oneLineError(missing, /x\.tar does not exist; give a docker save archive or an OCI layout/);
  oneLineError(notOci, /not-oci is a directory without oci-layout and index\.json/);
  assert.equal((await readdir(work)).sort(), ['dockerd', 'not-oci']);
});

Cli('rm takes NAME:TAG only; rm of a store that does not exist is refused', async ({ work, fakeDockerd }) => {
  const [bare, digest, absent] = await Promise.all([
    cli(['rm', '--store', join(work, 's'), 'busybox']),
    cli(['rm', '--store', join(work, 's'), `busybox@sha256:${'a'.repeat(64)}`]),
    cli(['rm', '--store', join(work, 's'), '--dockerd', fakeDockerd, 'busybox:latest']),
  ]);
  oneLineError(bare, /^error: store rm: busybox is not NAME:TAG/);
  oneLineError(digest, /is not NAME:TAG/);
  oneLineError(absent, /there is no store here to remove images from/);
});

Cli('no dockerd: says where build-dockerd puts one and how to pass another; no store is made', async ({ work }) => {
  await writeFile(join(work, 'a.tar'), '');
  const r = await cli(['add', '--store', join(work, 'new'), '--dockerd', join(work, 'nope'), join(work, 'a.tar')]);
  oneLineError(r, /no dockerd at .*nope; build one with npm run build-dockerd \(it writes dist\/dockerd\), or pass --dockerd PATH/);
  assert.not.ok((await readdir(work)).includes('new'));
});

Cli('a non-empty directory that is no store, and a file, are refused', async ({ work, fakeDockerd }) => {
  await mkdir(join(work, 'home'));
  await writeFile(join(work, 'home', 'notes.txt'), 'mine');
  await writeFile(join(work, 'a.tar'), '');
  const [home, file] = await Promise.all([
    cli(['add', '--store', join(work, 'home'), '--dockerd', fakeDockerd, join(work, 'a.tar')]),
    cli(['add', '--store', join(work, 'a.tar'), '--dockerd', fakeDockerd, join(work, 'a.tar')]),
  ]);
  oneLineError(home, /home: it is not empty and holds no image\/ or overlay2\/, so it is no store/);
  oneLineError(file, /a\.tar: it is not a directory/);
  assert.equal(await readdir(join(work, 'home')), ['notes.txt']);
});

Cli.run();
