import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffEntries, digestEntries, scanTree } from '../../src/e2e/tree-checksum.ts';
import { removeDir, tempDir, writeFiles } from '../helpers.ts';

const Tree = suite('e2e/tree-checksum');

async function fixture(): Promise<string> {
  const dir = await tempDir();
  await writeFiles(dir, { 'a/b.txt': 'bee', 'c.txt': 'sea' });
  await symlink('a/b.txt', join(dir, 'link'));
  return dir;
}

Tree('the same tree gives the same digest', async () => {
  const dir = await fixture();
  try {
    assert.is(digestEntries(await scanTree(dir)), digestEntries(await scanTree(dir)));
  } finally {
    await removeDir(dir);
  }
});

Tree('content, mode, symlink target and names each change the digest', async () => {
  const dir = await fixture();
  try {
    const before = await scanTree(dir);
    const base = digestEntries(before);
    const mutations: Array<[string, () => Promise<void>, string]> = [
      ['content', () => writeFile(join(dir, 'c.txt'), 'SEA'), 'changed c.txt'],
      ['mode', () => chmod(join(dir, 'a/b.txt'), 0o600), 'changed a/b.txt'],
      ['symlink', async () => { await unlink(join(dir, 'link')); await symlink('c.txt', join(dir, 'link')); }, 'changed link'],
      ['new file', () => writeFile(join(dir, 'a/new'), ''), 'added a/new'],
    ];
    let previous = base;
    for (const [what, mutate, expected] of mutations) {
      await mutate();
      const after = await scanTree(dir);
      const digest = digestEntries(after);
      assert.is.not(digest, previous, what);
      assert.ok(diffEntries(before, after).includes(expected), `${what}: ${diffEntries(before, after)}`);
      previous = digest;
    }
  } finally {
    await removeDir(dir);
  }
});

Tree.run();
