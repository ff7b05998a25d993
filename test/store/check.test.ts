/** checkStore: each of the engine's rules, broken one at a time in a hand-made store, is reported with its path. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { checkStore } from '../../src/store/check.ts';
import { fsStoreView } from '../../src/store/fs-view.ts';
import type { StoreFinding } from '../../src/store/finding.ts';
import { scanTree, digestEntries } from '../../src/e2e/tree-checksum.ts';
import { removeDir } from '../helpers.ts';
import { imageConfig, makeStore, tarSplit, type Fixture } from './fixture.ts';

const test = suite('checkStore');
const IMAGES = [
  { tags: ['busybox:latest', 'busybox:1.36'], layers: ['base', 'app'] },
  { tags: ['docker.io/me/tool:v1'], layers: ['base', 'tool'] },
];
const layerdb = (chain: string) => `image/overlay2/layerdb/sha256/${chain.slice(7)}`;

async function findingsAfter(mutate: (fx: Fixture) => Promise<unknown>): Promise<StoreFinding[]> {
  const fx = await makeStore(IMAGES);
  try {
    await mutate(fx);
    return (await checkStore(fsStoreView(fx.root))).findings;
  } finally {
    await removeDir(fx.root);
  }
}

function only(findings: StoreFinding[], rule: StoreFinding['rule'], path: string): void {
  assert.equal(findings.map((f) => [f.rule, f.path]), [[rule, path]], JSON.stringify(findings));
}

test('a store as dockerd writes it is clean: 2 images, 3 tags, 3 distinct layers', async () => {
  const fx = await makeStore(IMAGES);
  const report = await checkStore(fsStoreView(fx.root));
  await removeDir(fx.root);
  assert.equal(report.findings, []);
  assert.equal([report.images, report.tags, report.layers], [2, 3, 3]);
});

test('checking reads only: the tree is byte-identical before and after, even a read-only one', async () => {
  const fx = await makeStore(IMAGES);
  const before = digestEntries(await scanTree(fx.root));
  await checkStore(fsStoreView(fx.root));
  assert.is(digestEntries(await scanTree(fx.root)), before);
  execFileSync('chmod', ['-R', 'a-w', fx.root]);
  assert.equal((await checkStore(fsStoreView(fx.root))).findings, []);
  execFileSync('chmod', ['-R', 'u+w', fx.root]);
  await removeDir(fx.root);
});

const CASES: [string, (fx: Fixture) => Promise<unknown>, StoreFinding['rule'], (fx: Fixture) => string][] = [
  ['repositories.json missing', (fx) => rm(join(fx.root, 'image/overlay2/repositories.json')), 'missing', () => 'image/overlay2/repositories.json'],
  ['repositories.json not JSON', (fx) => writeFile(join(fx.root, 'image/overlay2/repositories.json'), '{"Repositories": '), 'repositories-json', () => 'image/overlay2/repositories.json'],
  ['repositories.json a symlink', async (fx) => {
    await rm(join(fx.root, 'image/overlay2/repositories.json'));
    await symlink('/etc/passwd', join(fx.root, 'image/overlay2/repositories.json'));
  }, 'symlink', () => 'image/overlay2/repositories.json'],
  ['an image ID that is not sha256', (fx) => writeFile(join(fx.root, 'image/overlay2/repositories.json'), JSON.stringify({ Repositories: { x: { 'x:1': 'sha256:ABC' } } })), 'image-id', () => 'image/overlay2/repositories.json'],
  ['one name, two image IDs', (fx) => writeFile(join(fx.root, 'image/overlay2/repositories.json'), JSON.stringify({ Repositories: { busybox: { 'busybox:latest': fx.imageIds[0], 'docker.io/library/busybox:latest': fx.imageIds[1] } } })), 'ambiguous-name', () => 'image/overlay2/repositories.json'],
  ['a config missing from imagedb', (fx) => rm(join(fx.root, `image/overlay2/imagedb/content/sha256/${fx.imageIds[1]!.slice(7)}`)), 'missing', (fx) => `image/overlay2/imagedb/content/sha256/${fx.imageIds[1]!.slice(7)}`],
  ['a config that does not hash to its name', (fx) => writeFile(join(fx.root, `image/overlay2/imagedb/content/sha256/${fx.imageIds[1]!.slice(7)}`), imageConfig([fx.diffId('x')])), 'config-digest', (fx) => `image/overlay2/imagedb/content/sha256/${fx.imageIds[1]!.slice(7)}`],
  ['a layer missing from layerdb', (fx) => rm(join(fx.root, layerdb(fx.chains[1]![1]!)), { recursive: true }), 'missing', (fx) => layerdb(fx.chains[1]![1]!)],
  ['a cache-id that is not 64 hex', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'cache-id'), '../../../etc'), 'cache-id', (fx) => `${layerdb(fx.chains[1]![1]!)}/cache-id`],
  ['a diff other than the config\'s diffID', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'diff'), fx.diffId('other')), 'diff', (fx) => `${layerdb(fx.chains[1]![1]!)}/diff`],
  ['a size that is not an integer', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'size'), '12kB'), 'size', (fx) => `${layerdb(fx.chains[1]![1]!)}/size`],
  ['a size above the engine\'s petabyte', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'size'), String(2 ** 50 + 1)), 'size', (fx) => `${layerdb(fx.chains[1]![1]!)}/size`],
  ['a parent that breaks the chain', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'parent'), fx.chains[0]![1]!), 'parent', (fx) => `${layerdb(fx.chains[1]![1]!)}/parent`],
  ['a parent missing above the base', (fx) => rm(join(fx.root, layerdb(fx.chains[1]![1]!), 'parent')), 'missing', (fx) => `${layerdb(fx.chains[1]![1]!)}/parent`],
  ['a base layer with a parent', (fx) => writeFile(join(fx.root, layerdb(fx.chains[0]![0]!), 'parent'), fx.chains[0]![1]!), 'parent', (fx) => `${layerdb(fx.chains[0]![0]!)}/parent`],
  ['a tar-split missing', (fx) => rm(join(fx.root, layerdb(fx.chains[1]![1]!), 'tar-split.json.gz')), 'missing', (fx) => `${layerdb(fx.chains[1]![1]!)}/tar-split.json.gz`],
  ['a tar-split that is not gzip', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'tar-split.json.gz'), 'plain'), 'tar-split', (fx) => `${layerdb(fx.chains[1]![1]!)}/tar-split.json.gz`],
  ['a tar-split naming a file outside the layer', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'tar-split.json.gz'), tarSplit([{ type: 1, name: 'etc/../../../etc/shadow', size: 5, position: 0 }])), 'tar-split', (fx) => `${layerdb(fx.chains[1]![1]!)}/tar-split.json.gz`],
  ['a tar-split entry longer than the engine reads', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'tar-split.json.gz'), tarSplit([{ type: 2, payload: 'A'.repeat(2 ** 20 + 4), position: 0 }])), 'tar-split', (fx) => `${layerdb(fx.chains[1]![1]!)}/tar-split.json.gz`],
  ['layer data missing from overlay2', (fx) => rm(join(fx.root, 'overlay2', fx.cacheId('tool')), { recursive: true }), 'missing', (fx) => `overlay2/${fx.cacheId('tool')}/diff`],
  ['layer data that is a symlink out of the store', async (fx) => {
    await rm(join(fx.root, 'overlay2', fx.cacheId('tool'), 'diff'), { recursive: true });
    await symlink('/', join(fx.root, 'overlay2', fx.cacheId('tool'), 'diff'));
  }, 'symlink', (fx) => `overlay2/${fx.cacheId('tool')}/diff`],
  ['a symlink on the way to the layer data', async (fx) => {
    await rm(join(fx.root, 'overlay2', fx.cacheId('tool')), { recursive: true });
    await mkdir(join(fx.root, 'elsewhere/diff'), { recursive: true });
    await symlink(join(fx.root, 'elsewhere'), join(fx.root, 'overlay2', fx.cacheId('tool')));
  }, 'symlink', (fx) => `overlay2/${fx.cacheId('tool')}/diff`],
  ['layer data that is a file', async (fx) => {
    await rm(join(fx.root, 'overlay2', fx.cacheId('tool'), 'diff'), { recursive: true });
    await writeFile(join(fx.root, 'overlay2', fx.cacheId('tool'), 'diff'), '');
  }, 'file-type', (fx) => `overlay2/${fx.cacheId('tool')}/diff`],
  ['a FIFO where cache-id should be (read without hanging)', async (fx) => {
    await rm(join(fx.root, layerdb(fx.chains[1]![1]!), 'cache-id'));
    execFileSync('mkfifo', [join(fx.root, layerdb(fx.chains[1]![1]!), 'cache-id')]);
  }, 'file-type', (fx) => `${layerdb(fx.chains[1]![1]!)}/cache-id`],
  ['a cache-id above the engine\'s 4 KiB', (fx) => writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'cache-id'), 'a'.repeat(4097)), 'too-large', (fx) => `${layerdb(fx.chains[1]![1]!)}/cache-id`],
];

for (const [name, mutate, rule, path] of CASES) {
  test(`${name}: reported as ${rule} at its path`, async () => {
    let fxSeen: Fixture | undefined;
    const findings = await findingsAfter(async (fx) => {
      fxSeen = fx;
      await mutate(fx);
    });
    only(findings, rule, path(fxSeen!));
  });
}

test('a config with no rootfs, or too many layers, breaks the config rule', async () => {
  const findings = await findingsAfter(async (fx) => {
    const bad = JSON.stringify({ os: 'linux', rootfs: { type: 'layers', diff_ids: Array.from({ length: 126 }, (_, i) => fx.diffId(String(i))) } });
    const { sha256 } = await import('../../src/digest.ts');
    const id = sha256(bad);
    await writeFile(join(fx.root, `image/overlay2/imagedb/content/sha256/${id}`), bad);
    await writeFile(join(fx.root, 'image/overlay2/repositories.json'), JSON.stringify({ Repositories: { big: { 'big:1': `sha256:${id}` } } }));
  });
  assert.equal(findings.map((f) => f.rule), ['config']);
  assert.match(findings[0]!.message, /126 layers/);
});

const untag = (fx: Fixture, keep: string) =>
  writeFile(join(fx.root, 'image/overlay2/repositories.json'), JSON.stringify({ Repositories: { busybox: { [keep]: fx.imageIds[0] } } }));

test('layers no tag uses are checked too (registry-assisted pulls link them): clean when their chain holds', async () => {
  const fx = await makeStore(IMAGES);
  await untag(fx, 'busybox:latest');
  const report = await checkStore(fsStoreView(fx.root));
  await removeDir(fx.root);
  assert.equal(report.findings, []);
  assert.equal([report.images, report.layers], [1, 3]);
});

test('an untagged layer whose parent and diff do not make its chain ID: chain, at its layerdb folder', async () => {
  const findings = await findingsAfter(async (fx) => {
    await untag(fx, 'busybox:latest');
    await writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'diff'), fx.diffId('other'));
  });
  assert.equal(findings.map((f) => f.rule), ['chain']);
  assert.match(findings[0]!.path, /^image\/overlay2\/layerdb\/sha256\/[0-9a-f]{64}$/);
});

test('an untagged layer whose parent is not in layerdb: parent, at its parent file', async () => {
  let fxSeen: Fixture | undefined;
  const findings = await findingsAfter(async (fx) => {
    fxSeen = fx;
    await untag(fx, 'busybox:latest');
    await rm(join(fx.root, layerdb(fx.chains[0]![0]!)), { recursive: true });
  });
  // The tagged image loses its base too; the untagged layer on it names its missing parent.
  assert.equal(findings.map((f) => [f.rule, f.path]), [
    ['missing', layerdb(fxSeen!.chains[0]![0]!)],
    ['parent', `${layerdb(fxSeen!.chains[1]![1]!)}/parent`],
  ]);
});

test('every problem is listed, not only the first a pull would meet', async () => {
  const findings = await findingsAfter(async (fx) => {
    await writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'size'), '-1');
    await writeFile(join(fx.root, layerdb(fx.chains[1]![1]!), 'diff'), 'sha256:0');
    await rm(join(fx.root, 'overlay2', fx.cacheId('app')), { recursive: true });
  });
  assert.equal(findings.map((f) => f.rule).sort(), ['diff', 'missing', 'size']);
});

test('an unreadable file is a finding, not a crash (as a non-root user)', async () => {
  if (process.getuid?.() === 0) return console.log('SKIPPED unreadable file: root reads every file');
  const findings = await findingsAfter(async (fx) => chmod(join(fx.root, layerdb(fx.chains[1]![1]!), 'size'), 0));
  assert.equal(findings.map((f) => f.rule), ['unreadable']);
});

test.run();
