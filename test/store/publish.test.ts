/**
 * store publish on real directories: generations copied and checked, current switched by rename,
 * old generations pruned past --keep but never current, and each refusal (a failing store, a
 * read-only export, overlapping paths, a publish already running) leaving the export as it was.
 * The CLI as a user runs it: exit codes, the closing line, check and ls through current.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runCli } from '../dockerd/fixtures.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { makeStore, type Fixture } from './fixture.ts';
import {
  OverlappingExportError, PublishBusyError, ReadOnlyExportError, StoreFailsCheckError, publishStore, throughCurrent,
} from '../../src/store/publish.ts';
import { StoreRefusedError } from '../../src/store/errors.ts';
import { DAEMON_LOCK } from '../../src/store/guard.ts';

async function waitFor(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the lock holder did not take the lock');
}

const root = new URL('../../', import.meta.url).pathname;
interface Ctx { fx: Fixture; work: string }
const Publish = suite<Ctx>('store/publish', { fx: undefined as unknown as Fixture, work: '' });

Publish.before.each(async (ctx) => {
  ctx.fx = await makeStore([{ tags: ['busybox:latest'], layers: ['base'] }, { tags: ['me/tool:v1'], layers: ['base', 'tool'] }]);
  ctx.work = await tempDir('dockerd-extra-publish-');
});
Publish.after.each(async (ctx) => {
  await removeDir(ctx.fx.root);
  await removeDir(ctx.work);
});

const at = (h: number) => new Date(Date.UTC(2026, 11, 6, h, 0, 0));
const generationsOf = async (exportDir: string) => (await readdir(join(exportDir, 'generations'))).sort();

Publish('the first publish makes generation 1 and points current at it, relative', async ({ fx, work }) => {
  const exportDir = join(work, 'export');
  const r = await publishStore({ store: fx.root, exportDir, keep: 2, now: at(17) });
  assert.is(r.generation, '1-20261206T170000Z');
  assert.is(r.previous, undefined);
  assert.is(await readlink(join(exportDir, 'current')), 'generations/1-20261206T170000Z');
  assert.equal(await generationsOf(exportDir), ['1-20261206T170000Z']);
  // The generation is the store: same files, same bytes.
  const rel = `overlay2/${fx.cacheId('tool')}/diff/etc/tool`;
  assert.is(await readFile(join(r.path, rel), 'utf8'), 'hello');
  assert.ok(['reflink', 'hardlink', 'copy'].includes(r.method));
  assert.equal(await readdir(exportDir).then((n) => n.sort()), ['current', 'generations'], 'no lock, no temporary link left');
});

Publish('a later publish switches current; --keep prunes the oldest', async ({ fx, work }) => {
  const exportDir = join(work, 'export');
  await publishStore({ store: fx.root, exportDir, keep: 2, now: at(15) });
  await publishStore({ store: fx.root, exportDir, keep: 2, now: at(16) });
  const r = await publishStore({ store: fx.root, exportDir, keep: 2, now: at(17) });
  assert.is(r.previous, '2-20261206T160000Z');
  assert.equal(r.pruned, ['1-20261206T150000Z']);
  assert.equal(await generationsOf(exportDir), ['2-20261206T160000Z', '3-20261206T170000Z']);
  assert.is(await readlink(join(exportDir, 'current')), 'generations/3-20261206T170000Z');
  // The generation a host still runs from is a plain directory with its own inode per layer directory.
  const dirOld = await stat(join(exportDir, 'generations/2-20261206T160000Z/overlay2', fx.cacheId('base'), 'diff'));
  const dirNew = await stat(join(exportDir, 'generations/3-20261206T170000Z/overlay2', fx.cacheId('base'), 'diff'));
  assert.is.not(dirOld.ino, dirNew.ino);
});

Publish('a store that fails store check is refused, the export untouched', async ({ fx, work }) => {
  const exportDir = join(work, 'export');
  await publishStore({ store: fx.root, exportDir, keep: 2, now: at(16) });
  await rm(join(fx.root, 'overlay2', fx.cacheId('tool')), { recursive: true });
  try {
    await publishStore({ store: fx.root, exportDir, keep: 2, now: at(17) });
    assert.unreachable('published a failing store');
  } catch (error) {
    assert.instance(error, StoreFailsCheckError);
    assert.is((error as StoreFailsCheckError).stage, 'store');
    assert.ok((error as StoreFailsCheckError).report.findings.some((f) => f.path.includes(fx.cacheId('tool'))));
  }
  assert.equal(await generationsOf(exportDir), ['1-20261206T160000Z']);
  assert.is(await readlink(join(exportDir, 'current')), 'generations/1-20261206T160000Z');
});

Publish('overlapping store and export, and a publish already running, are refused', async ({ fx, work }) => {
  for (const exportDir of [join(fx.root, 'export'), fx.root]) {
    try {
      await publishStore({ store: fx.root, exportDir, keep: 2 });
      assert.unreachable(exportDir);
    } catch (error) {
      assert.instance(error, OverlappingExportError);
    }
  }
  const exportDir = join(work, 'export');
  await mkdir(join(exportDir, '.publish.lock'), { recursive: true });
  try {
    await publishStore({ store: fx.root, exportDir, keep: 2 });
    assert.unreachable('published past a lock');
  } catch (error) {
    assert.instance(error, PublishBusyError);
  }
  assert.equal(await generationsOf(exportDir), []);
});

Publish('a store a running dockerd holds (its data-root lock) is refused, the export untouched', async ({ fx, work }) => {
  const exportDir = join(work, 'export');
  const lock = join(fx.root, DAEMON_LOCK);
  await mkdir(dirname(lock), { recursive: true });
  await writeFile(lock, '');
  // What every dockerd does for its life: an exclusive flock on network/files/local-kv.db.
  const holder = spawn('flock', ['--exclusive', lock, 'sleep', '60'], { stdio: 'ignore' });
  try {
    await waitFor(async () => execFileSync('sh', ['-c', 'exec 9<"$1"; flock --nonblock --shared 9 && echo free || echo held', 'probe', lock]).toString().trim() === 'held');
    const error = await publishStore({ store: fx.root, exportDir, keep: 2, now: at(17) }).then(() => undefined, (e: unknown) => e);
    assert.instance(error, StoreRefusedError);
    assert.is((error as StoreRefusedError).reason, 'in-use');
    assert.is((error as StoreRefusedError).exitCode, 2);
    assert.is(await stat(exportDir).then(() => true, () => false), false, 'nothing is written to the export');
  } finally {
    holder.kill();
  }
});

Publish('a staging copy left by an interrupted publish is removed, never published', async ({ fx, work }) => {
  const exportDir = join(work, 'export');
  await mkdir(join(exportDir, 'generations/.staging-1-20261206T160000Z/junk'), { recursive: true });
  const r = await publishStore({ store: fx.root, exportDir, keep: 2, now: at(17) });
  assert.is(r.generation, '1-20261206T170000Z');
  assert.equal(await generationsOf(exportDir), ['1-20261206T170000Z']);
});

Publish('a read-only export is refused with one line (root: a read-only tmpfs)', async ({ fx, work }) => {
  if (process.getuid?.() !== 0) return console.log('SKIPPED read-only export: not root (mount needs it)');
  const exportDir = join(work, 'ro');
  await mkdir(exportDir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', exportDir]);
  try {
    await publishStore({ store: fx.root, exportDir, keep: 2 });
    assert.unreachable('published to a read-only export');
  } catch (error) {
    assert.instance(error, ReadOnlyExportError);
    assert.is((error as ReadOnlyExportError).code, 'EROFS');
  } finally {
    execFileSync('umount', [exportDir]);
  }
});

Publish('throughCurrent: an export is read through current; a data-root as itself; a bad link not at all', async ({ fx, work }) => {
  const exportDir = join(work, 'export');
  await publishStore({ store: fx.root, exportDir, keep: 2, now: at(17) });
  assert.equal(await throughCurrent(exportDir), { dir: join(exportDir, 'generations/1-20261206T170000Z'), generation: '1-20261206T170000Z' });
  assert.equal(await throughCurrent(fx.root), { dir: fx.root });
  await rm(join(exportDir, 'current'));
  await writeFile(join(exportDir, 'current'), 'not a link');
  assert.equal(await throughCurrent(exportDir), { dir: exportDir });
});

const cli = (args: string[]) => runCli(['store', ...args], root, process.env);

Publish('cli: publish, then check and ls of the export read the current generation', async ({ fx, work }) => {
  const exportDir = join(work, 'export');
  const r = await cli(['publish', '--store', fx.root, '--to', exportDir, '--keep', '1']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^published 2 image\(s\), 2 layer\(s\) as generation 1-\d{8}T\d{6}Z \((reflink|hardlink|copy)\) at /);
  assert.match(r.stderr, /publish: checking /);
  const check = await cli(['check', exportDir]);
  assert.is(check.code, 0, check.stderr);
  assert.match(check.stderr, /generations\/1-\d{8}T\d{6}Z: 2 images, 2 tags, 2 layers checked: clean/);
  const ls = await cli(['ls', exportDir]);
  assert.is(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /docker pull me\/tool:v1-extra/);
  assert.ok((await lstat(join(exportDir, 'current'))).isSymbolicLink());
});

Publish('cli: usage mistakes exit 2 with one line', async ({ fx, work }) => {
  for (const [args, want] of [
    [['publish', '--to', work], /give --store DIR/],
    [['publish', '--store', fx.root], /give --to EXPORT/],
    [['publish', '--store', fx.root, '--to', join(work, 'e'), '--keep', '0'], /--keep 0 is not a whole number of at least 1/],
    [['publish', '--store', join(work, 'missing'), '--to', join(work, 'e')], /does not exist/],
  ] as const) {
    const r = await cli([...args]);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

Publish.run();
