import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sortedJson as canonical } from '../../src/digest.ts';
import { hashBinaries, hashChanges, isUpToDate, readStamp, writeStamp, type BuildInputs } from '../../src/dockerd/stamp.ts';
import { removeDir, tempDir } from '../helpers.ts';

const Stamp = suite('dockerd/stamp');

const inputs: BuildInputs = {
  head: 'a'.repeat(40),
  version: '28.5.2-extra.1',
  gitCommit: 'aaaaaaa-extra.1',
  applied: { base: 'v28.5.2', files: ['daemon/daemon.go'] },
  changes: { 'daemon/daemon.go': 'f'.repeat(64) },
};

Stamp('canonical ignores key order', () => {
  assert.is(canonical({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } }), canonical({ a: { c: [3, { e: 2, f: 1 }], d: 2 }, b: 1 }));
});

Stamp('isUpToDate needs equal inputs and the same binaries', () => {
  const binaries = { dockerd: '1'.repeat(64) };
  const stamp = { ...inputs, binaries };
  assert.ok(isUpToDate(stamp, { ...inputs }, binaries));
  assert.not.ok(isUpToDate(undefined, inputs, binaries));
  assert.not.ok(isUpToDate(stamp, { ...inputs, head: 'b'.repeat(40) }, binaries));
  assert.not.ok(isUpToDate(stamp, { ...inputs, applied: null }, binaries));
  assert.not.ok(isUpToDate(stamp, { ...inputs, changes: {} }, binaries));
  assert.not.ok(isUpToDate(stamp, inputs, { dockerd: '2'.repeat(64) }));
  assert.not.ok(isUpToDate(stamp, inputs, {}));
});

Stamp("the snapshotter's recorded sha is not an input of dockerd's build", () => {
  const binaries = { dockerd: '1'.repeat(64) };
  assert.ok(isUpToDate({ ...inputs, binaries, snapshotter: '3'.repeat(64) }, inputs, binaries));
});

Stamp('write, read and hash round trip', async () => {
  const out = await tempDir();
  try {
    assert.is(await readStamp(out), undefined);
    await writeFile(join(out, 'dockerd'), 'binary');
    const hashed = await hashBinaries(out, ['dockerd', 'docker-proxy']);
    const { binaries } = hashed;
    assert.equal(Object.keys(binaries), ['dockerd']);
    assert.is(binaries.dockerd, '9a3a45d01531a20e89ac6ae10b0b0beb0492acd7216a368aa062d1a5fecaf9cd');
    assert.is(hashed.binaryStats.dockerd!.size, 6);
    await writeStamp(out, { ...inputs, ...hashed });
    const stamp = await readStamp(out);
    assert.ok(isUpToDate(stamp, inputs, (await hashBinaries(out, ['dockerd'], stamp)).binaries));
    // Same size and mtime: the recorded sha is trusted; another size: hashed again.
    const trusted = await hashBinaries(out, ['dockerd'], { ...stamp!, binaries: { dockerd: 'recorded' } });
    assert.is(trusted.binaries.dockerd, 'recorded');
    await writeFile(join(out, 'dockerd'), 'other binary');
    assert.not.ok(isUpToDate(stamp, inputs, (await hashBinaries(out, ['dockerd'], stamp)).binaries));
    await writeFile(join(out, 'build-stamp.json'), '{not json');
    assert.is(await readStamp(out), undefined);
  } finally {
    await removeDir(out);
  }
});

Stamp('hashChanges marks deleted files and hashes the rest', async () => {
  const dir = await tempDir();
  try {
    await writeFile(join(dir, 'a.go'), 'hello');
    assert.equal(await hashChanges(dir, ['gone.go', 'a.go']), {
      'a.go': '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      'gone.go': 'deleted',
    });
  } finally {
    await removeDir(dir);
  }
});

Stamp.run();
