/** The generations of an export: their names, their order, which ones a publish prunes. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generationOfTarget, generationsToPrune, nextGenerationName, parseGenerations } from '../../src/store/generations.ts';

const Gen = suite('store/generations');

Gen('parseGenerations: newest first by sequence number, staging copies and strangers ignored', () => {
  const got = parseGenerations(['2-20261206T170000Z', '.staging-4-20261206T190000Z', '10-20261206T180000Z', 'notes', '1-20261201T000000Z']);
  assert.equal(got.map((g) => g.name), ['10-20261206T180000Z', '2-20261206T170000Z', '1-20261201T000000Z']);
});

Gen('nextGenerationName: one more than the newest, the UTC time to the second', () => {
  const now = new Date('2026-12-06T17:04:05.678Z');
  assert.is(nextGenerationName([], now), '1-20261206T170405Z');
  assert.is(nextGenerationName(parseGenerations(['9-20261206T170000Z', '3-20261206T160000Z']), now), '10-20261206T170405Z');
});

Gen('generationOfTarget: only generations/<name> of the engine\'s form', () => {
  for (const [target, want] of [
    ['generations/3-20261206T170405Z', '3-20261206T170405Z'],
    ['/mnt/store/generations/3', undefined],
    ['generations/../x', undefined],
    ['generations/a/b', undefined],
    ['generations/.hidden', undefined],
    ['other/3', undefined],
  ] as const) assert.is(generationOfTarget(target), want, target);
});

Gen('generationsToPrune: all but the newest N, never the current one', () => {
  const all = parseGenerations(['5-20261206T170000Z', '4-20261206T160000Z', '3-20261206T150000Z', '2-20261206T140000Z']);
  const names = (keep: number, current?: string) => generationsToPrune(all, keep, current).map((g) => g.name);
  assert.equal(names(2, '5-20261206T170000Z'), ['3-20261206T150000Z', '2-20261206T140000Z']);
  assert.equal(names(2, '3-20261206T150000Z'), ['2-20261206T140000Z'], 'current survives beyond --keep');
  assert.equal(names(4), []);
  assert.equal(names(1, '5-20261206T170000Z'), ['4-20261206T160000Z', '3-20261206T150000Z', '2-20261206T140000Z']);
});

Gen.run();
