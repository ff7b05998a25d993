/**
 * store pack → mount → check --deep, once per format, on a store a real dockerd wrote (`docker load`
 * of the e2e's test image: a whiteout, an opaque directory, a hardlink, symlinks). The mounted image
 * must hold the same tree as the store (names, types, modes, owners, sizes, mtimes to the second,
 * device numbers, contents, symlink targets, every xattr, which names share an inode), and the
 * patched engine must pull every image from it. Needs root, loop devices, the patched dockerd
 * (STORE_TEST_DOCKERD, default /tmp/helpers-dist/v28/dockerd), the docker CLI, /bin/busybox and
 * each format's mkfs; prints SKIPPED otherwise. Last, the engine mounts a packed erofs file itself
 * ("device": FILE, "type": "erofs"): through a loop device of its own, read-only, gone at shutdown.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { access, lstat, mkdir, readFile, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sha256File } from '../../src/digest.ts';
import { buildImageArchive, type BuiltImage } from '../../src/e2e/build-image.ts';
import { startDaemon } from '../../src/e2e/daemon.ts';
import { findDockerCli } from '../../src/e2e/docker.ts';
import { daemonConfigFor, withLineConfig } from '../../src/e2e/engine-line.ts';
import { mountAt } from '../../src/e2e/mounts.ts';
import { testImageSpec } from '../../src/e2e/image-spec.ts';
import { diffEntries, scanTree, type TreeEntry } from '../../src/e2e/tree-checksum.ts';
import { deepCheck } from '../../src/store/deep.ts';
import { fsStoreView } from '../../src/store/fs-view.ts';
import { PACK_FORMATS, PACK_TOOLS, type PackFormat } from '../../src/store/pack.ts';
import { readStore } from '../../src/store/read.ts';
import { onPath, removeDir, tempDir } from '../helpers.ts';
import { runCli } from '../dockerd/fixtures.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const DOCKERD = process.env.STORE_TEST_DOCKERD ?? '/tmp/helpers-dist/v28/dockerd';
const BUSYBOX = '/bin/busybox';
const exists = (p: string) => access(p).then(() => true, () => false);

async function whyNot(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root (dockerd and mount need it)';
  if (!(await exists(DOCKERD))) return `no patched dockerd at ${DOCKERD} (set STORE_TEST_DOCKERD)`;
  if (!(await exists(await findDockerCli()))) return 'no docker CLI';
  if (!(await exists(BUSYBOX))) return `no ${BUSYBOX} (apt-get install busybox-static)`;
  if (!(await exists('/dev/loop-control'))) return 'no /dev/loop-control (modprobe loop)';
  if (!onPath('getfattr')) return 'no getfattr (apt-get install attr)';
  return undefined;
}

interface Ctx { work: string; store: string; image?: BuiltImage }
const Pack = suite<Ctx>('store pack: the image of a real store, mounted, is the store', { work: '', store: '' });
const skip = await whyNot();

Pack.before(async (ctx) => {
  if (skip) return;
  ctx.work = await tempDir('dockerd-extra-pack-');
  ctx.store = join(ctx.work, 'store');
  const spec = testImageSpec({ busybox: BUSYBOX, busyboxSha256: await sha256File(BUSYBOX), bigFileSize: 256 * 1024, repo: 'pack-test/busybox', tag: 'v1' });
  ctx.image = await buildImageArchive(spec, join(ctx.work, 'build'));
  const daemon = await startDaemon({
    name: 'pack-store-writer', binary: DOCKERD, dir: join(ctx.work, 'd'), dataRoot: ctx.store,
    config: (await daemonConfigFor(DOCKERD)).config, dockerCli: await findDockerCli(), logDir: join(ctx.work, 'logs'),
  });
  try {
    await daemon.docker.call(['load', '-i', ctx.image.archive], { timeoutMs: 120_000 });
  } finally {
    await daemon.stop();
  }
});

Pack.after(async (ctx) => {
  if (ctx.work) await removeDir(ctx.work);
});

/** Every xattr under root, as getfattr dumps them (relative paths, sorted by getfattr's walk). */
function xattrs(root: string): string {
  return execFileSync('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '.'], { cwd: root, encoding: 'utf8' });
}

/** Each set of names that share an inode (hardlinks), as sorted path lists. */
async function inodeGroups(root: string, entries: readonly TreeEntry[]): Promise<string[][]> {
  const byIno = new Map<number, string[]>();
  for (const e of entries.filter((x) => x.type === 'file')) {
    const st = await lstat(join(root, e.path));
    if (st.nlink > 1) byIno.set(st.ino, [...(byIno.get(st.ino) ?? []), e.path]);
  }
  return [...byIno.values()].map((g) => g.sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** squashfs keeps mtimes to the second. */
const toSeconds = (entries: TreeEntry[]) => entries.map((e) => ({ ...e, mtimeMs: Math.floor(e.mtimeMs / 1000) * 1000 }));

async function layerDiff(root: string, chainId: string): Promise<string> {
  const cacheId = (await readFile(join(root, 'image/overlay2/layerdb/sha256', chainId, 'cache-id'), 'utf8')).trim();
  return join(root, 'overlay2', cacheId, 'diff');
}

async function roundTrip(ctx: Ctx, format: PackFormat): Promise<void> {
  const image = join(ctx.work, `store.${format}`);
  const mnt = join(ctx.work, `mnt-${format}`);
  const r = await runCli(['store', 'pack', '--format', format, '--out', image, ctx.store], ROOT, process.env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^packed ${ctx.store} \\(.+, du\\) into ${image}: ${format} image of `));
  await mkdir(mnt);
  execFileSync('mount', ['-o', 'loop,ro', '-t', format, image, mnt]);
  try {
    const [want, got] = [toSeconds(await scanTree(ctx.store)), toSeconds(await scanTree(mnt))];
    assert.equal(diffEntries(want, got), [], `the ${format} image differs from the store`);
    assert.is(xattrs(mnt), xattrs(ctx.store));
    assert.equal(await inodeGroups(mnt, got), await inodeGroups(ctx.store, want));
    // What the image's layers rely on, named: layer 3 deletes data/gone.txt and makes data/opaque opaque; layer 2 hardlinks.
    const top = await layerDiff(mnt, ctx.image!.chainIds[2]!);
    const gone = await lstat(join(top, 'data/gone.txt'));
    assert.ok(gone.isCharacterDevice() && gone.rdev === 0, 'the whiteout is a 0/0 character device');
    assert.match(xattrs(join(top, 'data')), /trusted\.overlay\.opaque=0x79/);
    const payload = await layerDiff(mnt, ctx.image!.chainIds[1]!);
    assert.is((await stat(join(payload, 'data/hard.txt'))).ino, (await stat(join(payload, 'data/link-target.txt'))).ino);
    const deep = await deepCheck(await readStore(fsStoreView(mnt)), { dockerd: DOCKERD, signal: new AbortController().signal });
    assert.equal(deep.findings, []);
    assert.is(deep.checked.length, 1);
  } finally {
    await unmount(mnt);
  }
}

/** The deep check's dockerd may still be letting go of the mount for a moment after it stopped. */
async function unmount(mnt: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return void execFileSync('umount', [mnt], { stdio: 'pipe' });
    } catch (error) {
      if (i === 20) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

for (const format of PACK_FORMATS) {
  Pack(`${format}: pack, mount read-only, the same tree, xattrs and hardlinks; check --deep pulls from it`, async (ctx) => {
    if (skip) return console.log(`SKIPPED pack ${format}: ${skip}`);
    if (!onPath(PACK_TOOLS[format].tool)) return console.log(`SKIPPED pack ${format}: no ${PACK_TOOLS[format].tool} (apt-get install ${PACK_TOOLS[format].apt})`);
    await roundTrip(ctx, format);
  });
}

/** The loop devices whose backing file is image (losetup -j). */
function loopsOf(image: string): string[] {
  return execFileSync('losetup', ['-n', '-O', 'NAME', '-j', image], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
}

Pack('the engine mounts a packed erofs file through its own loop device: pull, run, and shutdown detaches it', async (ctx) => {
  if (skip) return console.log(`SKIPPED engine mounts an image: ${skip}`);
  if (!onPath('mkfs.erofs')) return console.log('SKIPPED engine mounts an image: no mkfs.erofs (apt-get install erofs-utils)');
  const image = join(ctx.work, 'engine.erofs');
  const r = await runCli(['store', 'pack', '--format', 'erofs', '--out', image, ctx.store], ROOT, process.env);
  assert.is(r.code, 0, r.stderr);
  const path = join(ctx.work, 'extra');
  const line = await daemonConfigFor(DOCKERD);
  const daemon = await startDaemon({
    name: 'pack-image-user', binary: DOCKERD, dir: join(ctx.work, 'd2'), dataRoot: join(ctx.work, 'local'),
    config: withLineConfig(line.config, { 'extra-storage': { path, device: image, type: 'erofs' } }),
    dockerCli: await findDockerCli(), logDir: join(ctx.work, 'logs2'),
  });
  try {
    const mounted = await mountAt(path);
    const loops = loopsOf(image);
    assert.equal(loops.length, 1, `one loop device backed by ${image}`);
    assert.is(mounted?.source, loops[0]);
    assert.is(mounted?.fsType, 'erofs');
    for (const o of ['ro', 'nodev', 'nosuid']) assert.ok(mounted?.options.includes(o), `${o} in ${mounted?.options}`);
    const dev = loops[0]!.replace('/dev/', '');
    assert.is((await readFile(`/sys/block/${dev}/ro`, 'utf8')).trim(), '1', 'the loop device is read-only');
    assert.is((await readFile(`/sys/block/${dev}/loop/autoclear`, 'utf8')).trim(), '1');
    const ref = `${ctx.image!.ref}-extra`;
    await daemon.docker.call(['pull', '--quiet', ref], { timeoutMs: 120_000 });
    const out = await daemon.docker.call(['run', '--rm', '--network', 'none', ref, 'sh', '-c', 'cat /data/keep.txt; ls /data/opaque; ls /data/gone.txt 2>&1 || true'], { timeoutMs: 120_000 });
    assert.is(out.stdout, 'kept from layer 1\nupper.txt\nls: /data/gone.txt: No such file or directory');
  } finally {
    await daemon.stop();
  }
  assert.is(await mountAt(path), undefined, 'dockerd unmounts the store it mounted');
  for (let i = 0; i < 20 && loopsOf(image).length; i++) await new Promise((res) => setTimeout(res, 250));
  assert.equal(loopsOf(image), [], 'the loop device is gone (autoclear)');
});

Pack.run();
