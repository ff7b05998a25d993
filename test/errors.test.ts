import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { orIfMissing } from '../src/errors.ts';
import { failureOf, removeDir, tempDir } from './helpers.ts';

const Missing = suite('errors: orIfMissing');

Missing('a path that does not exist gives the fallback', async () => {
  assert.is(await readFile('/nonexistent-dockerd-extra/x', 'utf8').catch(orIfMissing('none')), 'none');
});

Missing('a file where a folder of the path should be gives the fallback too (ENOTDIR on open)', async () => {
  const dir = await tempDir();
  try {
    await writeFile(join(dir, 'file'), '');
    assert.is(await readFile(join(dir, 'file', 'x'), 'utf8').catch(orIfMissing('none')), 'none');
  } finally {
    await removeDir(dir);
  }
});

Missing('any other failure propagates (a folder read as a file)', async () => {
  const dir = await tempDir();
  try {
    assert.is(((await failureOf(readFile(dir, 'utf8').catch(orIfMissing('none')))) as NodeJS.ErrnoException).code, 'EISDIR');
  } finally {
    await removeDir(dir);
  }
});

Missing.run();
