/**
 * check, ls and check --deep on a store a real dockerd wrote (`docker load` with the store as its
 * data-root), then with one byte of a layer's file changed: only --deep, through the patched
 * engine, sees it. Needs root, the patched dockerd (STORE_TEST_DOCKERD, default
 * /tmp/helpers-dist/v28/dockerd), the docker CLI and /bin/busybox; prints SKIPPED otherwise.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sha256, sha256File } from '../../src/digest.ts';
import { buildImageArchive, type BuiltImage } from '../../src/e2e/build-image.ts';
import { startDaemon } from '../../src/e2e/daemon.ts';
import { findDockerCli } from '../../src/e2e/docker.ts';
import { daemonConfigFor } from '../../src/e2e/engine-line.ts';
import { testImageSpec } from '../../src/e2e/image-spec.ts';
import { digestEntries, scanTree } from '../../src/e2e/tree-checksum.ts';
import { checkStore } from '../../src/store/check.ts';
import { deepCheck } from '../../src/store/deep.ts';
import { fsStoreView } from '../../src/store/fs-view.ts';
import { listStore } from '../../src/store/list.ts';
import { readStore } from '../../src/store/read.ts';
import { removeDir, tempDir } from '../helpers.ts';
import { BUSYBOX, whyNoRealDockerd } from './real-dockerd.ts';
import { runCli } from '../dockerd/fixtures.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

const DOCKERD = process.env.STORE_TEST_DOCKERD ?? '/tmp/helpers-dist/v28/dockerd';

interface Ctx { work: string; store: string; images: BuiltImage[] }
const Real = suite<Ctx>('store check/ls on a store made by a real dockerd', { work: '', store: '', images: [] });
const skip = await whyNoRealDockerd(DOCKERD);

Real.before(async (ctx) => {
  if (skip) return;
  ctx.work = await tempDir('dockerd-extra-real-store-');
  ctx.store = join(ctx.work, 'store');
  const sha = await sha256File(BUSYBOX);
  // Same base layer, different payloads: two images sharing one layer.
  for (const seed of ['one', 'two']) {
    const spec = testImageSpec({ busybox: BUSYBOX, busyboxSha256: sha, bigFileSize: 256 * 1024, seed, repo: `store-test/${seed}`, tag: 'v1' });
    ctx.images.push(await buildImageArchive(spec, join(ctx.work, `build-${seed}`)));
  }
  const daemon = await startDaemon({
    name: 'store-writer', binary: DOCKERD, dir: join(ctx.work, 'd'), dataRoot: ctx.store,
    config: (await daemonConfigFor(DOCKERD)).config, dockerCli: await findDockerCli(), logDir: join(ctx.work, 'logs'),
  });
  try {
    for (const image of ctx.images) await daemon.docker.call(['load', '-i', image.archive], { timeoutMs: 120_000 });
    await daemon.docker.call(['tag', ctx.images[0]!.ref, 'store-test/one:latest']);
  } finally {
    await daemon.stop();
  }
});

Real.after(async (ctx) => {
  if (ctx.work) await removeDir(ctx.work);
});

Real('check: clean; ls: both images, the base shared, the pull names', async (ctx) => {
  if (skip) return console.log(`SKIPPED real store: ${skip}`);
  const report = await checkStore(fsStoreView(ctx.store));
  assert.equal(report.findings, []);
  assert.equal([report.images, report.tags], [2, 3]);
  const l = listStore(await readStore(fsStoreView(ctx.store)));
  assert.equal(l.images.flatMap((i) => i.tags.map((t) => t.pullName)).sort(), ['store-test/one:extra', 'store-test/one:v1-extra', 'store-test/two:v1-extra']);
  assert.equal(l.layers.filter((x) => x.images.length === 2).map((x) => x.chainId), [`sha256:${ctx.images[0]!.chainIds[0]}`]);
});

Real('--deep: the patched engine pulls and re-hashes every image; the store is byte-identical after', async (ctx) => {
  if (skip) return console.log(`SKIPPED real store --deep: ${skip}`);
  const before = digestEntries(await scanTree(ctx.store));
  const deep = await deepCheck(await readStore(fsStoreView(ctx.store)), { dockerd: DOCKERD, signal: new AbortController().signal });
  assert.equal(deep.findings, []);
  assert.is(deep.checked.length, 2);
  assert.is(digestEntries(await scanTree(ctx.store)), before);
});

Real('a changed byte in a layer: check stays clean (content is not its business), --deep names the layer data', async (ctx) => {
  if (skip) return console.log(`SKIPPED real store, changed byte: ${skip}`);
  const chain = ctx.images[1]!.chainIds[2]!;
  const cacheId = (await readFile(join(ctx.store, 'image/overlay2/layerdb/sha256', chain, 'cache-id'), 'utf8')).trim();
  const file = join(ctx.store, 'overlay2', cacheId, 'diff/data/opaque/upper.txt');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('only', 'ONLY'));
  assert.equal((await checkStore(fsStoreView(ctx.store))).findings, []);
  const r = await runCli(['store', 'check', '--deep', '--json', '--dockerd', DOCKERD, ctx.store], ROOT, process.env);
  await writeFile(file, text);
  assert.is(r.code, 1, r.stderr);
  const problems = JSON.parse(r.stdout).problems as { rule: string; path: string; message: string }[];
  assert.equal(problems.map((p) => [p.rule, p.path]), [['content', join(ctx.store, 'overlay2', cacheId, 'diff')]], r.stdout);
  assert.match(problems[0]!.message, /data\/opaque\/upper\.txt/);
});

Real('an image for another platform (arm64 here) is pulled with --platform and re-hashed too', async (ctx) => {
  if (skip) return console.log(`SKIPPED real store, other platform: ${skip}`);
  const copy = join(ctx.work, 'arm-store');
  // cp -a: the layers hold whiteouts (character devices), which fs.cp cannot copy.
  execFileSync('cp', ['-a', ctx.store, copy]);
  const reposFile = join(copy, 'image/overlay2/repositories.json');
  const repos = JSON.parse(await readFile(reposFile, 'utf8'));
  const id: string = repos.Repositories['store-test/two']['store-test/two:v1'];
  const config = JSON.parse(await readFile(join(copy, 'image/overlay2/imagedb/content/sha256', id.slice(7)), 'utf8'));
  const text = JSON.stringify({ ...config, architecture: process.arch === 'arm64' ? 'amd64' : 'arm64' });
  const newId = `sha256:${sha256(text)}`;
  await writeFile(join(copy, 'image/overlay2/imagedb/content/sha256', newId.slice(7)), text);
  repos.Repositories['store-test/two']['store-test/two:v1'] = newId;
  await writeFile(reposFile, JSON.stringify(repos));
  const contents = await readStore(fsStoreView(copy));
  assert.equal(contents.images.find((i) => i.id === newId)?.platform, `linux/${process.arch === 'arm64' ? 'amd64' : 'arm64'}`);
  const deep = await deepCheck(contents, { dockerd: DOCKERD, signal: new AbortController().signal });
  assert.equal(deep.findings, []);
  assert.is(deep.checked.length, 2);
});

Real.run();
