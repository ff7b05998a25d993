import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tamper } from '../../src/e2e/bad-store.ts';
import { chainIds } from '../../src/e2e/docker-archive.ts';
import type { BuiltImage } from '../../src/e2e/build-image.ts';
import { removeDir, tempDir, writeFiles } from '../helpers.ts';

const Bad = suite('e2e/bad-store');
const diffIds = ['1', '2', '3'].map((c) => c.repeat(64));
const chains = chainIds(diffIds);
const image: BuiltImage = { archive: '', imageId: 'f'.repeat(64), diffIds, chainIds: chains, layerSizes: [1, 1, 1], ref: 'e2e/x:v1' };
const cacheIds = ['a', 'b', 'c'].map((c) => c.repeat(64));

/** A store with the layerdb files tamper() touches, invented for the test. */
async function fakeStore(): Promise<string> {
  const root = await tempDir();
  const files: Record<string, string> = {};
  chains.forEach((chain, i) => {
    files[`image/overlay2/layerdb/sha256/${chain}/cache-id`] = cacheIds[i]!;
    files[`image/overlay2/layerdb/sha256/${chain}/diff`] = `sha256:${diffIds[i]}`;
    files[`overlay2/${cacheIds[i]}/diff/f.txt`] = 'x';
  });
  await writeFiles(root, files);
  return root;
}

Bad('cache-id-not-hex rewrites the top layer cache-id with a path and expects the chainID named', async () => {
  const root = await fakeStore();
  try {
    const mentions = await tamper(root, image, 'cache-id-not-hex', join(root, '..', 'unused'));
    assert.is(await readFile(join(root, 'image/overlay2/layerdb/sha256', chains[2]!, 'cache-id'), 'utf8'), '../../../../etc');
    assert.ok(mentions.includes(chains[2]!));
  } finally {
    await removeDir(root);
  }
});

Bad('diff-mismatch changes a middle layer diff so it no longer equals the config diffID', async () => {
  const root = await fakeStore();
  try {
    const mentions = await tamper(root, image, 'diff-mismatch', join(root, '..', 'unused'));
    const diff = await readFile(join(root, 'image/overlay2/layerdb/sha256', chains[1]!, 'diff'), 'utf8');
    assert.is.not(diff, `sha256:${diffIds[1]}`);
    assert.ok(mentions.includes(chains[1]!));
  } finally {
    await removeDir(root);
  }
});

Bad('diff-symlink-outside replaces a layer diff dir with a symlink leaving the store', async () => {
  const root = await fakeStore();
  const outside = await tempDir();
  try {
    const mentions = await tamper(root, image, 'diff-symlink-outside', outside);
    const diff = join(root, 'overlay2', cacheIds[2]!, 'diff');
    assert.ok((await lstat(diff)).isSymbolicLink());
    assert.is(await readlink(diff), outside);
    assert.ok(mentions.includes(cacheIds[2]!));
  } finally {
    await removeDir(root);
    await removeDir(outside);
  }
});

Bad.run();
