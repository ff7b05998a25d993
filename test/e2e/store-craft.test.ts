import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { lastLine, names } from '../../src/e2e/attack-kit.ts';
import { addDecoyName, layerdbFile, publishConfig, readStoreConfig, writeTarSplitBomb } from '../../src/e2e/store-craft.ts';
import { removeDir, tempDir, writeFiles } from '../helpers.ts';

const Craft = suite('e2e/store-craft');
const REF = '127.0.0.1:9/e2e/x:v1';
const ID = 'e'.repeat(64);
const CONFIG = JSON.stringify({ rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] } });

/** A store with a repositories.json naming REF and its config, invented for the test. */
async function fakeStore(): Promise<string> {
  const root = await tempDir();
  await writeFiles(root, {
    'image/overlay2/repositories.json': JSON.stringify({ Repositories: { '127.0.0.1:9/e2e/x': { [REF]: `sha256:${ID}`, '127.0.0.1:9/e2e/x:latest': `sha256:${ID}` } } }),
    [`image/overlay2/imagedb/content/sha256/${ID}`]: CONFIG,
  });
  return root;
}

const repositories = async (root: string) =>
  JSON.parse(await readFile(join(root, 'image/overlay2/repositories.json'), 'utf8')) as { Repositories: Record<string, Record<string, string>> };

Craft('publishConfig stores the crafted config under its own digest and points only the given name at it', async () => {
  const root = await fakeStore();
  try {
    const config = await readStoreConfig(root, ID);
    config.rootfs.diff_ids[0] = 'sha256:../../../../volumes/victim';
    const id = await publishConfig(root, REF, config);
    const stored = await readFile(join(root, 'image/overlay2/imagedb/content/sha256', id), 'utf8');
    assert.is(createHash('sha256').update(stored).digest('hex'), id);
    assert.ok(stored.includes('../../../../volumes/victim'));
    const repos = await repositories(root);
    assert.is(repos.Repositories['127.0.0.1:9/e2e/x']![REF], `sha256:${id}`);
    assert.is(repos.Repositories['127.0.0.1:9/e2e/x']!['127.0.0.1:9/e2e/x:latest'], `sha256:${ID}`);
  } finally {
    await removeDir(root);
  }
});

Craft('addDecoyName lists the same name under a second repository with another image ID', async () => {
  const root = await fakeStore();
  try {
    await addDecoyName(root, REF, '127.0.0.1:9/e2e/decoy', '1'.repeat(64));
    const repos = await repositories(root);
    assert.is(repos.Repositories['127.0.0.1:9/e2e/decoy']![REF], `sha256:${'1'.repeat(64)}`);
    assert.is(repos.Repositories['127.0.0.1:9/e2e/x']![REF], `sha256:${ID}`);
  } finally {
    await removeDir(root);
  }
});

Craft('writeTarSplitBomb writes one JSON entry whose string token has exactly the asked size, gzip-compressed small', async () => {
  const root = await tempDir();
  try {
    const file = join(root, 'tar-split.json.gz');
    const token = 3 * 1024 * 1024 + 5;
    const size = await writeTarSplitBomb(file, token);
    assert.ok(size < token / 50, `compressed to ${size} bytes`);
    let unpacked = 0;
    let head = '';
    for await (const chunk of createReadStream(file).pipe(createGunzip())) {
      if (head.length < 32) head += (chunk as Buffer).subarray(0, 32).toString();
      unpacked += (chunk as Buffer).length;
    }
    const framing = '{"type":2,"payload":"'.length + '","position":0}\n'.length;
    assert.is(unpacked, token + framing);
    assert.ok(head.startsWith('{"type":2,"payload":"AAAA'));
  } finally {
    await removeDir(root);
  }
});

Craft('layerdbFile names a file of a chain in the store layout', () => {
  assert.is(layerdbFile('/s', 'ab', 'cache-id'), '/s/image/overlay2/layerdb/sha256/ab/cache-id');
});

Craft("lastLine gives the daemon's message, skipping the CLI's usage hint", () => {
  const message = "abc: Verifying content\ndocker: Error response from daemon: extra storage: refusing layer sha256:1\n\nRun 'docker run --help' for more information";
  assert.is(lastLine(message), 'docker: Error response from daemon: extra storage: refusing layer sha256:1');
  assert.ok(names(message, ['sha256:1']));
  assert.not.ok(names(message, ['sha256:2']));
});

Craft.run();
