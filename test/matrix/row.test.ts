import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/errors.ts';
import type { TreePlan } from '../../src/patchset/change.ts';
import { failureText, MESSAGE_LIMIT, newRow, notRunRow, offsetsOf, oneLine, rowPassed, withFailure, withStage } from '../../src/matrix/row.ts';

const Row = suite('matrix/row');

Row('a new row has run nothing; e2e is skipped unless asked for', () => {
  const row = newRow('v28.5.2', { e2e: false, out: '/w/v28.5.2' });
  assert.equal(row, { tag: 'v28.5.2', set: null, offsets: null, apply: 'not-run', build: 'not-run', validate: 'not-run', e2e: 'skipped', seconds: 0, failure: null, out: '/w/v28.5.2' });
  assert.is(newRow('v28.5.2', { e2e: true, out: null }).e2e, 'not-run');
  assert.ok(rowPassed(row));
});

Row('withStage and withFailure return new rows; the first failure is the one kept', () => {
  const row = newRow('v28.5.2', { e2e: false, out: null });
  const applied = withStage(row, 'apply', 'ok');
  assert.is(row.apply, 'not-run', 'not changed in place');
  const failed = withFailure(withFailure(applied, 'build', 'exited with code 2'), 'validate', 'later');
  assert.is(failed.build, 'failed');
  assert.is(failed.validate, 'failed');
  assert.equal(failed.failure, { stage: 'build', message: 'exited with code 2' });
  assert.not.ok(rowPassed(failed));
});

Row('a tag never reached does not pass and says why, with no stage marked failed', () => {
  const row = notRunRow('v28.5.2', { e2e: true }, 'not run: cancelled');
  assert.not.ok(rowPassed(row));
  assert.equal([row.apply, row.build, row.validate, row.e2e], ['not-run', 'not-run', 'not-run', 'not-run']);
});

Row('offsetsOf counts the hunks an apply plan found at an offset; undefined when the plan does not say', () => {
  const warning = { patch: 'p', file: 'f', hunk: '@@ -1 +1 @@', offset: 3 };
  const cases: [TreePlan | undefined, number | undefined][] = [
    [undefined, undefined],
    [{ kind: 'apply', writes: [], offsets: [] }, 0],
    [{ kind: 'apply', writes: [], offsets: [warning, { ...warning, offset: -2 }, warning] }, 3],
    [{ kind: 'already-applied' }, 0],
    [{ kind: 'conflict', failures: [] }, undefined],
    [{ kind: 'apply', writes: [] } as unknown as TreePlan, undefined],
  ];
  for (const [plan, expected] of cases) assert.is(offsetsOf(plan), expected, JSON.stringify(plan));
});

Row('oneLine collapses whitespace and cuts long text with an ellipsis', () => {
  assert.is(oneLine('a\n  b\tc ', 10), 'a b c');
  assert.is(oneLine('abcdefghij', 10), 'abcdefghij');
  assert.is(oneLine('abcdefghijk', 10), 'abcdefghi…');
  assert.is(oneLine('abcd efghijk', 6), 'abcd…', 'no space before the ellipsis');
});

Row('failure messages: a UserError says its own; anything else is named internal; long ones are cut in the row', () => {
  assert.is(failureText(new UsageError('bad tag')), 'bad tag');
  assert.is(failureText(new TypeError('x is undefined')), 'internal error: TypeError: x is undefined');
  assert.is(failureText('boom'), 'internal error: boom');
  const long = withFailure(newRow('t', { e2e: false, out: null }), 'apply', 'x'.repeat(1000));
  assert.is(long.failure?.message.length, MESSAGE_LIMIT);
});

Row.run();
