/**
 * store add and store rm with a real dockerd: stores made from docker-save archives, an OCI layout
 * and another daemon's image; a layer shared between images stored once; rm keeping what another
 * image uses; an add killed during its load leaving the store byte-identical; a store in use by a
 * running dockerd and a read-only one refused. Needs root, the patched dockerd (STORE_TEST_DOCKERD,
 * else DOCKERD_BIN, default /tmp/me/fsdist28/dockerd), the docker CLI and /bin/busybox; prints
 * SKIPPED otherwise.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { sha256File } from '../../src/digest.ts';
import { scaledImageSpec } from '../../src/bench/scaled-image.ts';
import { buildImageArchive, type BuiltImage } from '../../src/e2e/build-image.ts';
import { startDaemon, type Daemon } from '../../src/e2e/daemon.ts';
import { findDockerCli } from '../../src/e2e/docker.ts';
import { daemonConfigFor } from '../../src/e2e/engine-line.ts';
import { testImageSpec } from '../../src/e2e/image-spec.ts';
import { killMentioning, sleep } from '../../src/e2e/processes.ts';
import { digestEntries, scanTree } from '../../src/e2e/tree-checksum.ts';
import { addImages } from '../../src/store/add.ts';
import { unmountBelow } from '../../src/store/edit.ts';
import { saveImages } from '../../src/store/engine-api.ts';
import { checkStore } from '../../src/store/check.ts';
import { fsStoreView } from '../../src/store/fs-view.ts';
import { listStore } from '../../src/store/list.ts';
import { readStore } from '../../src/store/read.ts';
import { removeTags } from '../../src/store/rm.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { BUSYBOX, whyNoRealDockerd } from './real-dockerd.ts';
import { runCli, type CliResult } from '../dockerd/fixtures.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const DOCKERD = process.env.STORE_TEST_DOCKERD ?? process.env.DOCKERD_BIN ?? '/tmp/me/fsdist28/dockerd';
const never = () => new AbortController().signal;

interface Ctx { work: string; one: BuiltImage; two: BuiltImage; big: BuiltImage; source?: Daemon }
const Real = suite<Ctx>('store add/rm with a real dockerd', {} as Ctx);
const skip = await whyNoRealDockerd(DOCKERD);
/** Quiet (errors only) unless the test reads the progress. */
const cli = (args: string[], onStart?: Parameters<typeof runCli>[3], progress = false): Promise<CliResult> =>
  runCli(['store', ...args, '--dockerd', DOCKERD], ROOT, { ...process.env, DOCKERD_EXTRA_QUIET: progress ? '0' : '1' }, onStart);
const treeDigest = async (dir: string) => digestEntries(await scanTree(dir));
const layerDirs = async (store: string) => (await readdir(join(store, 'overlay2'))).filter((n) => n !== 'l').length;
const siblings = async (dir: string) => (await readdir(join(dir, '..'))).sort();

Real.before(async (ctx) => {
  if (skip) return;
  ctx.work = await tempDir('dockerd-extra-store-add-');
  const sha = await sha256File(BUSYBOX);
  // Same base layer, different payloads: two images sharing one layer.
  const [one, two] = await Promise.all(['one', 'two'].map((seed) =>
    buildImageArchive(testImageSpec({ busybox: BUSYBOX, busyboxSha256: sha, bigFileSize: 64 * 1024, seed, repo: `store-test/${seed}`, tag: 'v1' }), join(ctx.work, `build-${seed}`))));
  ctx.one = one!;
  ctx.two = two!;
  // Big enough that a load is still running when the test kills it.
  ctx.big = await buildImageArchive(scaledImageSpec({ busybox: BUSYBOX, totalBytes: 160 * 2 ** 20, layers: 3, repo: 'store-test/big' }), join(ctx.work, 'build-big'));
});

Real.after(async (ctx) => {
  await ctx.source?.stop();
  if (!ctx.work) return;
  // A failed test may leave the dockerd of a killed run on its copy, and that dockerd's mounts.
  await killMentioning(ctx.work);
  await sleep(500);
  await unmountBelow(ctx.work);
  await removeDir(ctx.work);
});

Real('add from docker-save archives: a new store, both images tagged, the shared base stored once, check clean', async (ctx) => {
  if (skip) return console.log(`SKIPPED store add, archives: ${skip}`);
  const store = join(ctx.work, 'a');
  const { summary } = await addImages(store, DOCKERD, [{ kind: 'archive', path: ctx.one.archive }, { kind: 'archive', path: ctx.two.archive }], never());
  assert.equal((await checkStore(fsStoreView(store))).findings, []);
  const listing = listStore(await readStore(fsStoreView(store)));
  assert.equal(listing.images.map((i) => i.id).sort(), [`sha256:${ctx.one.imageId}`, `sha256:${ctx.two.imageId}`].sort());
  const distinct = new Set([...ctx.one.chainIds, ...ctx.two.chainIds]).size;
  assert.is(distinct, ctx.one.chainIds.length + ctx.two.chainIds.length - 1, 'the two images share their base');
  assert.is(listing.layers.length, distinct);
  assert.is(await layerDirs(store), distinct, 'one overlay2 directory per distinct layer');
  assert.equal([summary.images.added.length, summary.layers.added], [2, distinct]);
  assert.equal(await siblings(store), ['a', 'build-big', 'build-one', 'build-two'], 'no staging copy left beside it');
});

Real('add to an existing store: only the new layers are added; the old ones keep their inodes', async (ctx) => {
  if (skip) return console.log(`SKIPPED store add, existing store: ${skip}`);
  const store = join(ctx.work, 'b');
  await addImages(store, DOCKERD, [{ kind: 'archive', path: ctx.one.archive }], never());
  const before = await treeDigest(join(store, 'overlay2'));
  const { summary } = await addImages(store, DOCKERD, [{ kind: 'archive', path: ctx.two.archive }], never());
  assert.equal([summary.images.before, summary.images.after, summary.layers.added], [1, 2, ctx.two.chainIds.length - 1]);
  assert.equal((await checkStore(fsStoreView(store))).findings, []);
  // The first image's layers are the same files (hardlinked into the copy, nothing rewritten).
  const one = listStore(await readStore(fsStoreView(store))).images.find((i) => i.id === `sha256:${ctx.one.imageId}`);
  assert.ok(one && one.tags.map((t) => t.name).includes('store-test/one:v1'));
  assert.is.not(await treeDigest(join(store, 'overlay2')), before, 'new layer directories were added');
});

Real('rm: the tag, the image and its own layers go; the base another image uses stays, unchanged', async (ctx) => {
  if (skip) return console.log(`SKIPPED store rm: ${skip}`);
  const store = join(ctx.work, 'a');
  const baseCache = (await readFile(join(store, 'image/overlay2/layerdb/sha256', ctx.one.chainIds[0]!, 'cache-id'), 'utf8')).trim();
  const baseBefore = await treeDigest(join(store, 'overlay2', baseCache, 'diff'));
  const { summary } = await removeTags(store, DOCKERD, ['store-test/one:v1'], never());
  const after = await readStore(fsStoreView(store));
  assert.equal(after.images.map((i) => i.id), [`sha256:${ctx.two.imageId}`]);
  assert.equal([...after.layers.keys()].sort(), ctx.two.chainIds.map((c) => `sha256:${c}`).sort());
  assert.is(summary.layers.removed, ctx.one.chainIds.length - 1);
  assert.is(await treeDigest(join(store, 'overlay2', baseCache, 'diff')), baseBefore);
  assert.is(await layerDirs(store), ctx.two.chainIds.length);
  const r = await cli(['rm', '--store', store, 'store-test/none:v1']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /store-test\/none:v1: the store has no such tag/);
});

Real('add from an OCI layout (a directory without manifest.json) and from another dockerd by name', async (ctx) => {
  if (skip) return console.log(`SKIPPED store add, OCI and --from-daemon: ${skip}`);
  const dir = join(ctx.work, 'source-daemon');
  ctx.source = await startDaemon({ name: 'add-source', binary: DOCKERD, dir, dataRoot: join(dir, 'root'), config: (await daemonConfigFor(DOCKERD)).config, dockerCli: await findDockerCli(), logDir: join(dir, 'logs') });
  await ctx.source.docker.call(['load', '-i', ctx.one.archive]);
  await ctx.source.docker.call(['load', '-i', ctx.two.archive]);
  const layout = join(ctx.work, 'oci');
  await mkdir(layout);
  await pipeline(await saveImages(join(dir, 'docker.sock'), ['store-test/one:v1'], never()), createWriteStream(join(ctx.work, 'saved.tar')));
  execFileSync('tar', ['-C', layout, '-xf', join(ctx.work, 'saved.tar')]);
  await rm(join(layout, 'manifest.json'));
  await rm(join(layout, 'repositories'));
  const store = join(ctx.work, 'c');
  const r = await cli(['add', '--store', store, layout]);
  assert.is(r.code, 0, r.stderr);
  const r2 = await cli(['add', '--store', store, '--from-daemon', join(dir, 'docker.sock'), 'store-test/two:v1'], undefined, true);
  assert.is(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, /layer [0-9a-f]{12}: Loading layer/);
  assert.match(r2.stdout.trim().split('\n').at(-1)!, /: added 1 image, 2 new layers \(.*\); it now holds 2 images, 5 layers, /);
  const tags = listStore(await readStore(fsStoreView(store))).images.flatMap((i) => i.tags.map((t) => t.name)).sort();
  assert.equal(tags, ['store-test/one:v1', 'store-test/two:v1']);
});

Real('an add interrupted during its load (Ctrl-C, then a hard kill) leaves the store byte-identical', async (ctx) => {
  if (skip) return console.log(`SKIPPED store add, interrupted: ${skip}`);
  const store = join(ctx.work, 'a');
  const before = await treeDigest(store);
  // Once: a second Ctrl-C means "quit at once", with no roll-back.
  const whenLoading = (signal: NodeJS.Signals): Parameters<typeof runCli>[3] => (child) => {
    let sent = false;
    child.stdout?.on('data', (d: Buffer) => {
      if (!sent && /layer [0-9a-f]{12}: Loading layer/.test(String(d))) sent = child.kill(signal);
    });
  };
  const int = await cli(['add', '--store', store, ctx.big.archive], whenLoading('SIGINT'), true);
  assert.is.not(int.code, 0, int.stdout);
  assert.match(int.stdout, /the store is as it was/);
  assert.match(int.stderr, /^error: store add of image\.tar was cancelled/m, int.stderr);
  assert.is(await treeDigest(store), before);
  assert.ok(!(await siblings(store)).some((n) => n.startsWith('.a.')), 'the staging copy is gone');

  const killed = await cli(['add', '--store', store, ctx.big.archive], whenLoading('SIGKILL'), true);
  assert.is(killed.code, null);
  assert.is(await treeDigest(store), before);
  const left = (await siblings(store)).filter((n) => n.startsWith('.a.staging-'));
  assert.is(left.length, 1);
  // The killed run's dockerd still runs on its copy: the next run says so and changes nothing.
  const refused = await cli(['add', '--store', store, ctx.two.archive]);
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /a dockerd left by an interrupted run still runs on .*\.a\.staging-/);
  await killMentioning(join(store, '..', left[0]!));
  await sleep(500);
  const images = (await readStore(fsStoreView(store))).images.map((i) => i.id);
  const next = await cli(['add', '--store', store, ctx.two.archive], undefined, true);
  assert.is(next.code, 0, next.stderr);
  assert.match(next.stdout, /removed .*\.a\.staging-\S+ \(a staging copy an interrupted run never switched in\)/);
  assert.ok(!(await siblings(store)).some((n) => n.startsWith('.a.')));
  assert.equal((await readStore(fsStoreView(store))).images.map((i) => i.id), images, 'the image was there already');
});

Real('refused, files untouched: a store a running dockerd uses, a read-only one', async (ctx) => {
  if (skip) return console.log(`SKIPPED store add, refusals: ${skip}`);
  const store = join(ctx.work, 'busy');
  execFileSync('cp', ['-a', join(ctx.work, 'a'), store]);
  const dir = join(ctx.work, 'busy-daemon');
  const daemon = await startDaemon({ name: 'busy', binary: DOCKERD, dir, dataRoot: store, config: (await daemonConfigFor(DOCKERD)).config, dockerCli: await findDockerCli(), logDir: join(dir, 'logs') });
  let busy: CliResult;
  let rmBusy: CliResult;
  try {
    [busy, rmBusy] = [await cli(['add', '--store', store, ctx.one.archive]), await cli(['rm', '--store', store, 'store-test/two:v1'])];
  } finally {
    await daemon.stop();
  }
  const quiet = await treeDigest(store);
  for (const r of [busy, rmBusy]) {
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /a running dockerd( \(process \d+\))? uses it as its data-root.*stop that dockerd first/);
  }

  const ro = join(ctx.work, 'ro');
  await mkdir(ro);
  execFileSync('cp', ['-a', store, join(ro, 'store')]);
  const roBefore = await treeDigest(join(ro, 'store'));
  execFileSync('mount', ['--bind', ro, ro]);
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', ro]);
    const r = await cli(['add', '--store', join(ro, 'store'), ctx.one.archive]);
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /is read-only here/);
  } finally {
    execFileSync('umount', [ro]);
  }
  assert.is(await treeDigest(join(ro, 'store')), roBefore);
  assert.is(await treeDigest(store), quiet);

  // Another run at work on the same store (its copy named after a live process): this one waits its turn.
  const other = join(ctx.work, `.busy.staging-${process.pid}-abcdef`);
  await mkdir(other);
  const second = await cli(['rm', '--store', store, 'store-test/two:v1']);
  await rm(other, { recursive: true });
  assert.is(second.code, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`another run \\(process ${process.pid}\\) is working on it`));
  assert.is(await treeDigest(store), quiet);
  assert.equal((await siblings(store)).filter((n) => n.startsWith('.busy')), []);
});

Real.run();
