import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EmptyRangeError, NoTagsError, NotFinalTagError, ReversedRangeError, TagSpecError, UnknownTagError } from '../../src/matrix/errors.ts';
import { isFinalTag, lineOf, linesOf, parseTagSpec, selectTags, sortTags, type TagSpec } from '../../src/matrix/tags.ts';
import { failureOf } from '../helpers.ts';

/** A mirror's tags as moby has them: finals, pre-releases, the v29 naming, and other names. */
const REPO = {
  repo: '/mirror',
  tags: [
    'v28.0.0-rc.1', 'v28.0.0', 'v28.0.1', 'v28.1.0-rc.2', 'v28.1.0', 'v28.10.0', 'v28.9.1', 'v28.5.2',
    'docker-v29.0.0-rc.3', 'docker-v29.0.0', 'docker-v29.7.2', 'v27.5.1', 'api/v1.52.0', 'docs-v28.1.0', 'upstream/x',
  ],
};
const LINES = ['v28', 'docker-v29'];

const Tags = suite('matrix/tags');

Tags('final tags are vX.Y.Z with an optional name before the v; pre-releases and other names are not', () => {
  for (const [tag, final] of [
    ['v28.5.2', true], ['docker-v29.7.2', true], ['v28.0.0-rc.1', false], ['docker-v29.0.0-beta.2', false],
    ['api/v1.52.0', false], ['v28.5', false], ['28.5.2', false], ['v28.5.2.1', false],
  ] as const) assert.is(isFinalTag(tag), final, tag);
});

Tags('a tag\'s line is its name and major version; the lines of the patch-set bases', () => {
  assert.is(lineOf('v28.5.2'), 'v28');
  assert.is(lineOf('docker-v29.0.0-rc.1'), 'docker-v29');
  assert.is(lineOf('api/v1.52.0'), undefined);
  assert.equal(linesOf(['v28.5.2', 'v28.3.0', 'docker-v29.7.2']), ['v28', 'docker-v29']);
});

Tags('sortTags orders by version, numerically, once each', () => {
  assert.equal(sortTags(['v28.10.0', 'v28.9.1', 'v28.0.1', 'v28.9.1', 'docker-v29.0.0']), ['v28.0.1', 'v28.9.1', 'v28.10.0', 'docker-v29.0.0']);
});

Tags('parseTagSpec reads nothing, a list and a range', () => {
  const cases: [string | undefined, TagSpec][] = [
    [undefined, { kind: 'all' }],
    ['v28.5.2', { kind: 'list', tags: ['v28.5.2'] }],
    ['v28.5.2, docker-v29.7.2', { kind: 'list', tags: ['v28.5.2', 'docker-v29.7.2'] }],
    ['v28.0.0..v28.5.2', { kind: 'range', from: 'v28.0.0', to: 'v28.5.2' }],
    ['v28.5.2..v28.5.2', { kind: 'range', from: 'v28.5.2', to: 'v28.5.2' }],
    ['v28.5.2..docker-v29.7.2', { kind: 'range', from: 'v28.5.2', to: 'docker-v29.7.2' }],
  ];
  for (const [text, spec] of cases) assert.equal(parseTagSpec(text), spec, String(text));
});

Tags('parseTagSpec refuses bad input with the error that names it (exit 2)', async () => {
  const cases: [string, new (...args: never[]) => Error, Record<string, unknown>][] = [
    ['', TagSpecError, { reason: 'empty' }],
    ['v28.5.2,,v28.0.0', TagSpecError, { reason: 'an empty item in the list' }],
    ['v28.0.0..', TagSpecError, { spec: 'v28.0.0..' }],
    ['a..b..c', TagSpecError, { spec: 'a..b..c' }],
    ['v28.0.0..v28.1.0,v28.5.2', TagSpecError, {}],
    ['v28.0.0-rc.1', NotFinalTagError, { tag: 'v28.0.0-rc.1' }],
    ['v28.5.2,latest', NotFinalTagError, { tag: 'latest' }],
    ['v28.0.0-rc.1..v28.5.2', NotFinalTagError, { tag: 'v28.0.0-rc.1' }],
    ['v28.5.2..v28.0.0', ReversedRangeError, { from: 'v28.5.2', to: 'v28.0.0' }],
    ['docker-v29.0.0..v28.5.2', ReversedRangeError, { from: 'docker-v29.0.0' }],
  ];
  for (const [text, type, fields] of cases) {
    const error = await failureOf(() => parseTagSpec(text));
    assert.instance(error, type, text);
    assert.is((error as { exitCode: number }).exitCode, 2, text);
    for (const [key, value] of Object.entries(fields)) assert.equal((error as unknown as Record<string, unknown>)[key], value, `${text}: ${key}`);
  }
});

Tags('no --tags: every final tag of the supported lines, in version order; no rc, no other line or name', () => {
  assert.equal(selectTags({ kind: 'all' }, REPO, LINES), ['v28.0.0', 'v28.0.1', 'v28.1.0', 'v28.5.2', 'v28.9.1', 'v28.10.0', 'docker-v29.0.0', 'docker-v29.7.2']);
  assert.equal(selectTags({ kind: 'all' }, REPO, ['v28']), ['v28.0.0', 'v28.0.1', 'v28.1.0', 'v28.5.2', 'v28.9.1', 'v28.10.0']);
});

Tags('a range is inclusive, by version order, final tags only, within the names of its ends', () => {
  const range = (from: string, to: string) => selectTags({ kind: 'range', from, to }, REPO, LINES);
  assert.equal(range('v28.0.0', 'v28.5.2'), ['v28.0.0', 'v28.0.1', 'v28.1.0', 'v28.5.2']);
  assert.equal(range('v28.1.0', 'v28.10.0'), ['v28.1.0', 'v28.5.2', 'v28.9.1', 'v28.10.0']);
  assert.equal(range('v28.6.0', 'docker-v29.0.0'), ['v28.9.1', 'v28.10.0', 'docker-v29.0.0']);
  assert.equal(range('v27.0.0', 'v28.0.0'), ['v27.5.1', 'v28.0.0'], 'an asked-for older line is run (and fails: no set)');
});

Tags('a list runs exactly its tags, in version order, once each', () => {
  assert.equal(selectTags({ kind: 'list', tags: ['docker-v29.7.2', 'v28.5.2', 'v28.5.2'] }, REPO, LINES), ['v28.5.2', 'docker-v29.7.2']);
});

Tags('unknown tags in a list, an empty range and a repo without tags are refused with their data', async () => {
  const unknown = await failureOf(() => selectTags({ kind: 'list', tags: ['v28.5.2', 'v28.9.9', 'v28.0.0-rc.1'] }, REPO, LINES));
  assert.instance(unknown, UnknownTagError);
  assert.equal((unknown as UnknownTagError).tags, ['v28.9.9', 'v28.0.0-rc.1']);
  assert.is((unknown as UnknownTagError).repo, '/mirror');

  const empty = await failureOf(() => selectTags({ kind: 'range', from: 'v28.6.0', to: 'v28.9.0' }, REPO, LINES));
  assert.instance(empty, EmptyRangeError);
  assert.equal([(empty as EmptyRangeError).from, (empty as EmptyRangeError).to], ['v28.6.0', 'v28.9.0']);
  const onlyRc = await failureOf(() => selectTags({ kind: 'range', from: 'v28.0.0', to: 'v28.0.0' }, { repo: '/r', tags: ['v28.0.0-rc.1'] }, LINES));
  assert.instance(onlyRc, EmptyRangeError, 'a pre-release is never in a range');

  const none = await failureOf(() => selectTags({ kind: 'all' }, { repo: '/r', tags: ['v27.5.1', 'v28.0.0-rc.1'] }, LINES));
  assert.instance(none, NoTagsError);
  assert.equal((none as NoTagsError).lines, LINES);
  for (const error of [unknown, empty, none]) assert.is((error as { exitCode: number }).exitCode, 2);
});

Tags.run();
