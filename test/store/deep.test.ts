/** deepCheck's pure parts: which path of the store an engine error names. (The pulls themselves: real-store.test.ts.) */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { storePathIn } from '../../src/store/deep.ts';

const test = suite('storePathIn');

test('the layer directory a content error names, relative to the store', () => {
  const msg = 'extra storage: refusing layer sha256:aa (diffID sha256:bb) from /srv/store/overlay2/cc/diff: file integrity checksum failed for "data/x"';
  assert.is(storePathIn(msg, '/srv/store'), 'overlay2/cc/diff');
});

test('a structural refusal names its file', () => {
  assert.is(storePathIn('extra storage: refusing /srv/store/image/overlay2/layerdb/sha256/dd/size: size "x" is not an integer', '/srv/store'), 'image/overlay2/layerdb/sha256/dd/size');
});

test('no path of this store, or one climbing out of it: none', () => {
  assert.is(storePathIn('extra storage at /srv/other is not available', '/srv/store'), undefined);
  assert.is(storePathIn('refusing /srv/store/../etc/passwd', '/srv/store'), undefined);
  assert.is(storePathIn('refusing /srv/store2/x', '/srv/store'), undefined);
});

test.run();
