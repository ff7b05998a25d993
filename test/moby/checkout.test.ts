import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDirFor, isUrl, missingMarkers, obtainCheckout, resolveSource, UPSTREAM_URL } from '../../src/moby/checkout.ts';
import { CloneFailedError, MobyPathMissingError, NotGitError, NotMobyTreeError, RefMismatchError } from '../../src/moby/errors.ts';
import { gitSync, makeRepo, removeDir, tempDir } from '../helpers.ts';
import { makeMobyTree } from './fixtures.ts';

const Checkout = suite('moby/checkout');

const base = (cwd: string, cacheRoot: string) => ({ cwd, cacheRoot, defaultRef: async () => 'v28.5.2' });

async function rejects(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

Checkout('isUrl tells URLs from paths', () => {
  assert.ok(isUrl('https://github.com/moby/moby.git'));
  assert.ok(isUrl('git@github.com:moby/moby.git'));
  assert.ok(isUrl('file:///srv/moby.git'));
  assert.not.ok(isUrl('/srv/moby'));
  assert.not.ok(isUrl('../moby'));
});

Checkout('no --moby clones upstream at the default ref into the cache', async () => {
  const source = await resolveSource(base('/', '/cache'));
  assert.equal(source, { kind: 'clone', from: UPSTREAM_URL, ref: 'v28.5.2', dest: cacheDirFor('/cache', UPSTREAM_URL, 'v28.5.2') });
  assert.match(cacheDirFor('/cache', UPSTREAM_URL, 'v28.5.2'), /^\/cache\/moby-v28\.5\.2-[0-9a-f]{12}$/);
  assert.is.not(cacheDirFor('/cache', 'https://example.com/fork/moby.git', 'v28.5.2'), cacheDirFor('/cache', UPSTREAM_URL, 'v28.5.2'), 'a fork at the same tag is another clone');
});

Checkout('a missing path, a plain folder and a sub-folder of a repo are refused with exit 2', async () => {
  const plain = await tempDir();
  const repo = await makeMobyTree();
  try {
    const missing = await rejects(resolveSource({ ...base(plain, '/cache'), moby: 'nope' }));
    assert.instance(missing, MobyPathMissingError);
    assert.is((missing as MobyPathMissingError).exitCode, 2);
    assert.instance(await rejects(resolveSource({ ...base('/', '/cache'), moby: plain })), NotGitError);
    assert.instance(await rejects(resolveSource({ ...base('/', '/cache'), moby: join(repo, 'daemon') })), NotGitError);
  } finally {
    await removeDir(plain);
    await removeDir(repo);
  }
});

Checkout('a git repo without moby markers is refused, naming what is missing', async () => {
  const repo = await makeRepo({ 'README.md': 'not moby\n', 'daemon/x.go': 'package x\n' });
  try {
    const source = await resolveSource({ ...base('/', '/cache'), moby: repo });
    const error = await rejects(obtainCheckout(source));
    assert.instance(error, NotMobyTreeError);
    assert.equal((error as NotMobyTreeError).missing, ['cmd/dockerd', 'hack/make.sh', 'vendor.mod']);
    assert.is((error as NotMobyTreeError).exitCode, 2);
  } finally {
    await removeDir(repo);
  }
});

Checkout('missingMarkers accepts go.mod in place of vendor.mod', () => {
  const present = new Set(['cmd/dockerd', 'daemon', 'hack/make.sh', 'go.mod']);
  assert.equal(missingMarkers((p) => present.has(p)), []);
});

Checkout('a work tree is opened in place; --ref must match its HEAD', async () => {
  const repo = await makeMobyTree();
  try {
    const source = await resolveSource({ ...base('/', '/cache'), moby: repo });
    assert.is(source.kind, 'tree');
    const checkout = await obtainCheckout(source);
    assert.is(checkout.origin, 'opened');
    assert.is(checkout.head, gitSync(repo, 'rev-parse', 'HEAD').trim());
    assert.is(checkout.shortHead.length, 7);
    const good = await resolveSource({ ...base('/', '/cache'), moby: repo, ref: 'v28.5.2' });
    assert.is((await obtainCheckout(good)).dir, repo);
    const bad = await resolveSource({ ...base('/', '/cache'), moby: repo, ref: 'v28.5.1' });
    assert.instance(await rejects(obtainCheckout(bad)), RefMismatchError);
  } finally {
    await removeDir(repo);
  }
});

Checkout('a bare mirror is cloned at the ref into the cache, then reused', async () => {
  const repo = await makeMobyTree();
  const cache = await tempDir();
  const mirror = join(cache, 'mirror.git');
  try {
    gitSync(cache, 'clone', '-q', '--mirror', repo, mirror);
    const source = await resolveSource({ ...base('/', join(cache, 'c')), moby: mirror });
    assert.is(source.kind, 'clone');
    const first = await obtainCheckout(source);
    assert.is(first.origin, 'cloned');
    assert.is(first.dir, cacheDirFor(join(cache, 'c'), mirror, 'v28.5.2'));
    assert.ok(existsSync(join(first.dir, 'cmd/dockerd/main.go')));
    const second = await obtainCheckout(source);
    assert.is(second.origin, 'reused-cache');
    assert.is(second.head, first.head);
  } finally {
    await removeDir(repo);
    await removeDir(cache);
  }
});

Checkout('a failed clone says to pass --moby PATH and leaves no partial cache', async () => {
  const cache = await tempDir();
  try {
    await mkdir(join(cache, 'empty.git'));
    gitSync(join(cache, 'empty.git'), 'init', '-q', '--bare');
    const source = await resolveSource({ ...base('/', cache), moby: `file://${join(cache, 'empty.git')}`, ref: 'v28.5.2' });
    const error = await rejects(obtainCheckout(source));
    assert.instance(error, CloneFailedError);
    assert.match((error as Error).message, '--moby PATH');
    assert.match((error as Error).message, /Remote branch v28\.5\.2 not found/);
    assert.not.ok(existsSync(source.kind === 'clone' ? source.dest : '/nonexistent'));
  } finally {
    await removeDir(cache);
  }
});

Checkout('a failed clone keeps what git said before its last line, as details', () => {
  const error = new CloneFailedError('https://example.com/moby.git', 'v28.5.2', 'Remote branch v28.5.2 not found in upstream origin', ['warning: Could not find remote branch v28.5.2 to clone.']);
  assert.equal(error.detailLines(), ['git: warning: Could not find remote branch v28.5.2 to clone.']);
  assert.not.match(error.message, /\n/);
});

Checkout.run();
