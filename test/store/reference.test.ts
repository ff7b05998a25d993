/** parseNormalizedNamed and pullName: repositories.json keys as the engine compares them, and the names that pull them. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { familiarName, parseNormalizedNamed, pullName } from '../../src/store/reference.ts';

const test = suite('reference');

test('short names are docker.io/library, user repos docker.io, registries kept', () => {
  assert.equal(parseNormalizedNamed('busybox:latest'), { name: 'docker.io/library/busybox', tag: 'latest' });
  assert.equal(parseNormalizedNamed('me/app:1'), { name: 'docker.io/me/app', tag: '1' });
  assert.equal(parseNormalizedNamed('index.docker.io/me/app:1'), { name: 'docker.io/me/app', tag: '1' });
  assert.equal(parseNormalizedNamed('localhost:5000/app:1'), { name: 'localhost:5000/app', tag: '1' });
  assert.equal(parseNormalizedNamed('busybox@sha256:' + 'a'.repeat(64)), { name: 'docker.io/library/busybox', digest: 'sha256:' + 'a'.repeat(64) });
});

test('what the engine ignores says why', () => {
  assert.type(parseNormalizedNamed('BusyBox:1'), 'string');
  assert.type(parseNormalizedNamed('a'.repeat(64)), 'string');
  assert.type(parseNormalizedNamed('busybox:'), 'string');
  assert.type(parseNormalizedNamed(`x/${'a'.repeat(300)}:1`), 'string');
});

test('pull names: NAME:extra for latest, NAME:TAG-extra otherwise, none when the tag would be too long', () => {
  assert.is(pullName({ name: 'docker.io/library/busybox', tag: 'latest' }), 'busybox:extra');
  assert.is(pullName({ name: 'docker.io/me/app', tag: '7' }), 'me/app:7-extra');
  assert.is(pullName({ name: 'reg.example/app', tag: '7extra' }), 'reg.example/app:7extra-extra');
  assert.is(pullName({ name: 'x', tag: 'a'.repeat(122) }), 'x:' + 'a'.repeat(122) + '-extra');
  assert.is(pullName({ name: 'x', tag: 'a'.repeat(123) }), undefined);
  assert.is(familiarName('docker.io/library/a/b'), 'library/a/b');
});

test.run();
