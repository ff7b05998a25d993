/**
 * store pack: the plan (each format's tool and flags, the ext4 size, the temp file's name) and the
 * command as a user runs it on hand-made stores: what it refuses, with which exit code, and that
 * FILE is only ever the finished image (the real-store round trip is pack-real.test.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ext4Geometry, ext4SizeFrom, mkfsCall, tempImagePath } from '../../src/store/pack.ts';
import { storeUsage } from '../../src/store/pack-image.ts';
import { runCli, type CliResult } from '../dockerd/fixtures.ts';
import { onPath, removeDir, tempDir } from '../helpers.ts';
import { makeStore, type Fixture } from './fixture.ts';

const Plan = suite('store/pack: the plan');

Plan('each format has its Debian tool, keeps xattrs and mtimes, and writes the given file', () => {
  const usage = { bytes: 10 * 2 ** 20, entries: 100 };
  assert.equal(mkfsCall('erofs', '/s', '/o', usage), { command: 'mkfs.erofs', args: ['--quiet', '--preserve-mtime', '/o', '/s'] });
  assert.equal(mkfsCall('squashfs', '/s', '/o', usage).args.slice(0, 4), ['/s', '/o', '-noappend', '-xattrs']);
  const ext4 = mkfsCall('ext4', '/s', '/o', usage);
  assert.is(ext4.command, 'mkfs.ext4');
  assert.equal(ext4.args.slice(-4), ['-d', '/s', '/o', `${ext4Geometry(usage).bytes / 1024}k`]);
  assert.ok(ext4.args.includes('^has_journal'), 'a read-only image needs no journal');
});

Plan('ext4: room for every block and inode of the store, whole 4 KiB blocks', () => {
  const g = ext4Geometry({ bytes: 2 ** 30, entries: 1000 });
  assert.ok(g.inodes >= 1000);
  assert.ok(g.bytes >= 2 ** 30 + g.inodes * 256);
  assert.is(g.bytes % 4096, 0);
  assert.ok(ext4Geometry({ bytes: 0, entries: 1 }).bytes > 0, 'an empty store still gets a filesystem');
});

Plan("ext4: the shrunk image's size from dumpe2fs -h; nothing when it does not say", () => {
  assert.is(ext4SizeFrom('Block count:              2560\nReserved block count:     0\nBlock size:               4096\n'), 2560 * 4096);
  assert.is(ext4SizeFrom('Block size: 4096\n'), undefined);
});

Plan('the temp file is hidden next to FILE', () => {
  assert.is(tempImagePath('/srv/images/store.erofs', 'ab12'), '/srv/images/.store.erofs.pack-ab12');
});

Plan.run();

const root = new URL('../../', import.meta.url).pathname;
const cli = (args: string[]): Promise<CliResult> => runCli(['store', 'pack', ...args], root, process.env);
interface Ctx { fx: Fixture; out: string }
const Cli = suite<Ctx>('cli/store-pack: as a user runs it', { fx: undefined as unknown as Fixture, out: '' });

Cli.before(async (ctx) => {
  ctx.fx = await makeStore([{ tags: ['busybox:latest'], layers: ['base'] }, { tags: ['me/tool:v1'], layers: ['base', 'tool'] }]);
  ctx.out = await tempDir('dockerd-extra-pack-out-');
});
Cli.after(async (ctx) => {
  await removeDir(ctx.fx.root);
  await removeDir(ctx.out);
});

Cli('usage mistakes: exit 2, one line saying what to do, nothing written', async ({ fx, out }) => {
  const file = join(out, 'x.erofs');
  const cases: [string[], RegExp][] = [
    [['--out', file, fx.root], /--format must be one of erofs, ext4, squashfs \(none given\)/],
    [['--format', 'zfs', '--out', file, fx.root], /--format must be one of erofs, ext4, squashfs \(got "zfs"\)/],
    [['--format', 'erofs', fx.root], /--out FILE is missing/],
    [['--format', 'erofs', '--out', join(fx.root, 'in.erofs'), fx.root], /is inside the store/],
    [['--format', 'erofs', '--out', join(out, 'no/such/x.erofs'), fx.root], /the folder of --out, .* does not exist/],
    [['--format', 'erofs', '--out', out, fx.root], /is a directory; give the path of the image file/],
    [['--format', 'erofs', '--out', file, join(out, 'nope')], /does not exist; give the path of a store/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.equal(await readdir(out), []);
});

Cli('an existing FILE is refused without --force and left as it was', async ({ fx, out }) => {
  const file = join(out, 'keep.erofs');
  await writeFile(file, 'mine');
  const r = await cli(['--format', 'erofs', '--out', file, fx.root]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /exists; pass --force to replace it/);
  assert.is(await readFile(file, 'utf8'), 'mine');
});

Cli('a store that fails store check is refused (exit 1, each problem under it), and no file is left', async ({ fx, out }) => {
  const size = join(fx.root, 'image/overlay2/layerdb/sha256', fx.chains[1]![1]!.slice(7), 'size');
  const before = await readFile(size, 'utf8');
  await writeFile(size, 'many');
  try {
    const r = await cli(['--format', 'erofs', '--out', join(out, 'bad.erofs'), fx.root]);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /fails store check \(1 problem\); fix them \(npm run store -- check .*\) and pack again/);
    assert.match(r.stderr, /\n  image\/overlay2\/layerdb\/sha256\/[0-9a-f]{64}\/size  size: /);
    assert.equal((await readdir(out)).filter((n) => n.includes('bad.erofs')), [], 'neither FILE nor its temp file');
  } finally {
    await writeFile(size, before);
  }
});

Cli('--force replaces FILE with the image; the closing line gives both sizes', async ({ fx, out }) => {
  if (!onPath('mkfs.erofs')) return console.log('SKIPPED pack --force: no mkfs.erofs (apt-get install erofs-utils)');
  const file = join(out, 'forced.erofs');
  await writeFile(file, 'old');
  const r = await cli(['--format', 'erofs', '--out', file, '--force', fx.root]);
  assert.is(r.code, 0, r.stderr);
  const size = (await stat(file)).size;
  assert.ok(size > 1024, 'an erofs image, not the old file');
  const du = (await storeUsage(fx.root)).bytes;
  assert.ok(r.stdout.startsWith(`packed ${fx.root} (`) && r.stdout.includes(`, du) into ${file}: erofs image of `), r.stdout);
  assert.match(r.stdout, new RegExp(`\\(${Math.round((size / du) * 100)}% of the store\\) in \\d+\\.\\d s\\n$`));
  assert.equal((await readdir(out)).filter((n) => n.includes('forced.erofs')), ['forced.erofs'], 'no temp file left');
});

Cli('storeUsage counts as du does: allocated blocks, a hardlinked inode once, every entry', async ({ out }) => {
  const dir = join(out, 'usage');
  execFileSync('sh', ['-c', `mkdir ${dir} && head -c 10000 /dev/zero > ${dir}/a && ln ${dir}/a ${dir}/b && mkdir ${dir}/d`]);
  const du = Number(execFileSync('du', ['-s', '-B1', dir], { encoding: 'utf8' }).split('\t')[0]);
  assert.equal(await storeUsage(dir), { bytes: du, entries: 4 });
  await removeDir(dir);
});

Cli.run();
