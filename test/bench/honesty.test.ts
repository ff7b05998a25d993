import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BenchHonestyError, checkNoRegistryTraffic, checkStoreUnchanged, checkTags, foldChecks } from '../../src/bench/honesty.ts';

const Honesty = suite('bench/honesty');
const ID = `sha256:${'a'.repeat(64)}`;

Honesty('an extra pull with no registry request passes; one with requests fails naming them', () => {
  assert.ok(checkNoRegistryTraffic('extra pull', []).ok);
  const bad = checkNoRegistryTraffic('extra pull', [{ method: 'GET', path: '/v2/bench/scaled/manifests/t-extra', status: 404, bytes: 90 }]);
  assert.not.ok(bad.ok);
  assert.match(bad.detail!, 'GET /v2/bench/scaled/manifests/t-extra 404');
});

Honesty('tags: every ref must name the pulled image; a missing and a wrong one are both reported', () => {
  assert.ok(checkTags('pull', ID, { 'r:t': ID, 'r:t-extra': ID }).ok);
  const bad = checkTags('pull', ID, { 'r:t': ID, 'r:t-extra': undefined, 'r:u': 'sha256:other' });
  assert.not.ok(bad.ok);
  assert.match(bad.detail!, 'r:t-extra is missing');
  assert.match(bad.detail!, 'r:u is sha256:other');
  assert.not.match(bad.detail!, 'r:t is');
});

Honesty('the store check compares the two hashes', () => {
  assert.ok(checkStoreUnchanged('x', 'x').ok);
  const bad = checkStoreUnchanged('x', 'y');
  assert.not.ok(bad.ok);
  assert.match(bad.detail!, 'was x, is now y');
});

Honesty('folding keeps every failure and each passing check once with its count', () => {
  const folded = foldChecks([
    { name: 'a', ok: true }, { name: 'a', ok: true }, { name: 'b', ok: false, detail: 'run 1' }, { name: 'b', ok: false, detail: 'run 2' }, { name: 'c', ok: true },
  ]);
  assert.equal(folded.filter((c) => !c.ok).map((c) => c.detail), ['run 1', 'run 2']);
  assert.equal(folded.filter((c) => c.ok).map((c) => c.name), ['a (×2)', 'c']);
});

Honesty('the error exits 1, names the first failure and the record, and lists the rest', () => {
  const error = new BenchHonestyError([{ name: 'a', ok: false, detail: 'why a' }, { name: 'b', ok: false, detail: 'why b' }], '/r.json');
  assert.is(error.exitCode, 1);
  assert.match(error.message, 'a: why a');
  assert.match(error.message, '/r.json');
  assert.equal(error.detailLines(), ['b: why b']);
});

Honesty.run();
