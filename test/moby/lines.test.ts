import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseSet, describeLines, engineLines, parseEngineTag, preferredTag, supportedSummary, type SetChoice } from '../../src/moby/lines.ts';

const Lines = suite('moby/lines (engine tags, lines and the choice of set)');

const BASES = ['v28.5.2', 'docker-v29.7.2'];
/** Two sets in line 28, to tell "the first at or above" from "the newest below". */
const TWO_IN_28 = ['v28.2.0', 'v28.5.2', 'docker-v29.7.2'];

Lines('parseEngineTag reads both tag styles and pre-releases, and nothing else', () => {
  assert.equal(parseEngineTag('v28.5.2'), { tag: 'v28.5.2', prefix: '', line: 28, minor: 5, patch: 2 });
  assert.equal(parseEngineTag('docker-v29.7.2'), { tag: 'docker-v29.7.2', prefix: 'docker-', line: 29, minor: 7, patch: 2 });
  assert.is(parseEngineTag('v28.0.0-rc.1')?.preRelease, 'rc.1');
  assert.is(parseEngineTag('docker-v29.0.0-beta.2')?.preRelease, 'beta.2');
  for (const garbage of ['', 'main', 'api/v1.52.0', 'client/v0.1.0', 'v28.5', '28.5.2', 'v28.5.2.1', 'xdocs-v1.10-09-05-2016']) {
    assert.is(parseEngineTag(garbage), undefined, garbage);
  }
});

const CASES: [string, string, readonly string[], SetChoice][] = [
  ['exact base', 'v28.5.2', BASES, { kind: 'exact', tag: 'v28.5.2', line: 28, base: 'v28.5.2' }],
  ['exact base, v29 style', 'docker-v29.7.2', BASES, { kind: 'exact', tag: 'docker-v29.7.2', line: 29, base: 'docker-v29.7.2' }],
  ['same version, the other tag style', 'docker-v28.5.2', BASES, { kind: 'exact', tag: 'docker-v28.5.2', line: 28, base: 'v28.5.2' }],
  ['older patch in the same line', 'v28.3.0', BASES, { kind: 'nearest', tag: 'v28.3.0', line: 28, base: 'v28.5.2', relation: 'newer' }],
  ['older v29 release', 'docker-v29.5.0', BASES, { kind: 'nearest', tag: 'docker-v29.5.0', line: 29, base: 'docker-v29.7.2', relation: 'newer' }],
  ['newer release than the set', 'docker-v29.8.1', BASES, { kind: 'nearest', tag: 'docker-v29.8.1', line: 29, base: 'docker-v29.7.2', relation: 'older' }],
  ['between two sets: the first above it', 'v28.4.0', TWO_IN_28, { kind: 'nearest', tag: 'v28.4.0', line: 28, base: 'v28.5.2', relation: 'newer' }],
  ['just past the older set: still the first above it', 'v28.2.1', TWO_IN_28, { kind: 'nearest', tag: 'v28.2.1', line: 28, base: 'v28.5.2', relation: 'newer' }],
  ['past both sets: the newest', 'v28.10.0', TWO_IN_28, { kind: 'nearest', tag: 'v28.10.0', line: 28, base: 'v28.5.2', relation: 'older' }],
  ['before every set: the oldest of the line', 'v28.0.1', TWO_IN_28, { kind: 'nearest', tag: 'v28.0.1', line: 28, base: 'v28.2.0', relation: 'newer' }],
  ['release candidate', 'v28.0.0-rc.1', BASES, { kind: 'refused', tag: 'v28.0.0-rc.1', reason: 'pre-release', line: 28 }],
  ['v29 release candidate', 'docker-v29.0.0-rc.2', BASES, { kind: 'refused', tag: 'docker-v29.0.0-rc.2', reason: 'pre-release', line: 29 }],
  ['beta', 'docker-v29.1.0-beta.1', BASES, { kind: 'refused', tag: 'docker-v29.1.0-beta.1', reason: 'pre-release', line: 29 }],
  ['a line we do not carry: v27', 'v27.5.1', BASES, { kind: 'refused', tag: 'v27.5.1', reason: 'no-set-for-line', line: 27 }],
  ['a line we do not carry: v30', 'v30.0.0', BASES, { kind: 'refused', tag: 'v30.0.0', reason: 'no-set-for-line', line: 30 }],
  ['a line we do not carry: docker-v30', 'docker-v30.1.0', BASES, { kind: 'refused', tag: 'docker-v30.1.0', reason: 'no-set-for-line', line: 30 }],
  ['a Go module tag', 'v2.0.0-beta.13', BASES, { kind: 'refused', tag: 'v2.0.0-beta.13', reason: 'no-set-for-line', line: 2 }],
  ['garbage', 'nightly', BASES, { kind: 'refused', tag: 'nightly', reason: 'not-an-engine-tag' }],
  ['no sets at all', 'v28.5.2', [], { kind: 'refused', tag: 'v28.5.2', reason: 'no-set-for-line', line: 28 }],
];

for (const [name, tag, bases, want] of CASES) {
  Lines(`chooseSet: ${name} (${tag})`, () => {
    assert.equal(chooseSet(tag, bases), want);
  });
}

Lines('chooseSet ignores folders under patches/ that are not release tags, and never crosses lines', () => {
  assert.equal(chooseSet('v28.5.2', ['v28.6.0-rc.1', 'notes', 'v28.5.2']), { kind: 'exact', tag: 'v28.5.2', line: 28, base: 'v28.5.2' });
  assert.is(chooseSet('docker-v29.0.0', ['v28.5.2']).kind, 'refused');
});

Lines('preferredTag: the release over a pre-release on the same commit, engine tags only', () => {
  assert.is(preferredTag(['v28.3.0-rc.2', 'v28.3.0']), 'v28.3.0');
  assert.is(preferredTag(['v2.0.0-beta.13', 'docker-v29.5.0']), 'docker-v29.5.0');
  assert.is(preferredTag(['v28.2.0', 'v28.2.1']), 'v28.2.1');
  assert.is(preferredTag(['v28.0.0-rc.3']), 'v28.0.0-rc.3');
  assert.is(preferredTag(['api/v1.52.0']), undefined);
});

Lines('engineLines groups the sets by line, oldest first, with the newest set\'s tag style', () => {
  assert.equal(engineLines(['docker-v29.7.2', 'v28.5.2', 'v28.10.1', 'junk']), [
    { line: 28, prefix: '', bases: ['v28.5.2', 'v28.10.1'] },
    { line: 29, prefix: 'docker-', bases: ['docker-v29.7.2'] },
  ]);
});

Lines('describeLines says which releases each set is used for', () => {
  assert.is(describeLines(BASES), 'v28 (set v28.5.2, used for every v28 release), v29 (set docker-v29.7.2, used for every v29 release)');
  assert.is(describeLines(TWO_IN_28.slice(0, 2)), 'v28 (set v28.2.0, used up to v28.2.0; set v28.5.2, used after v28.2.0)');
  assert.is(describeLines([]), 'none (patches/ is empty)');
});

Lines('supportedSummary names the tag pattern of each line and its sets', () => {
  assert.is(supportedSummary(BASES), 'v28.x.y (set v28.5.2), docker-v29.x.y (set docker-v29.7.2)');
  assert.is(supportedSummary(TWO_IN_28.slice(0, 2)), 'v28.x.y (sets v28.2.0, v28.5.2)');
});

Lines.run();
