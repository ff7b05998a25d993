import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closingLine, introLines, tagHeader, tagVerdict } from '../../src/matrix/messages.ts';
import { buildReport, commandLine, type RunFacts } from '../../src/matrix/report.ts';
import { newRow, withFailure, withStage, type MatrixRow } from '../../src/matrix/row.ts';
import { offsetsCell, renderTable, stageCell, WHY_WIDTH } from '../../src/matrix/table.ts';

const built = (tag: string, set: string, offsets: number | null, seconds: number): MatrixRow => ({
  ...withStage(withStage(withStage(newRow(tag, { e2e: false, out: `/w/${tag}` }), 'apply', 'ok'), 'build', 'ok'), 'validate', 'ok'),
  set,
  offsets,
  seconds,
});
const failed = (): MatrixRow => ({ ...withFailure(newRow('v28.3.0', { e2e: false, out: null }), 'apply', 'moby v28.3.0 has no patch set; supported versions: v28.5.2'), seconds: 0.4 });

const Table = suite('matrix/table, messages and report');

Table('cells: stage results, offsets in hunks', () => {
  assert.equal((['ok', 'planned', 'failed', 'skipped', 'not-run'] as const).map(stageCell), ['ok', 'planned', 'FAILED', 'skipped', '-']);
  assert.equal([0, 1, 3, null].map(offsetsCell), ['0', '1 hunk', '3 hunks', '?']);
});

Table('the table is aligned, seconds right-aligned, why last and cut; no trailing spaces', () => {
  const rows = [built('v28.5.2', 'v28.5.2', 0, 131.04), built('v28.4.0', 'v28.5.2', 3, 48.5), failed()];
  assert.equal(renderTable(rows), [
    'tag      patch set  offsets  apply   build  validate  e2e      seconds  why',
    'v28.5.2  v28.5.2    0        ok      ok     ok        skipped    131.0',
    'v28.4.0  v28.5.2    3 hunks  ok      ok     ok        skipped     48.5',
    'v28.3.0  -          -        FAILED  -      -         skipped      0.4  apply: moby v28.3.0 has no patch set; supported versions: v28.5.2',
  ]);
  const long = { ...failed(), failure: { stage: 'build' as const, message: 'y'.repeat(300) } };
  const why = renderTable([long])[1]!.split('  ').at(-1)!;
  assert.is(why.length, WHY_WIDTH);
  assert.ok(why.endsWith('…'));
});

Table('an empty matrix is its header', () => {
  assert.equal(renderTable([]), ['tag  patch set  offsets  apply  build  validate  e2e  seconds  why']);
});

Table('the lines around the table', () => {
  assert.equal(introLines({ tags: ['v28.0.0', 'v28.5.2'], repo: '/m', workDir: '/w', tree: '/w/moby', planOnly: false }), [
    'matrix: 2 tag(s) of /m (v28.0.0 … v28.5.2)',
    'work tree /w/moby (one for every tag, removed at the end)',
    "each tag's dockerd, docker-proxy and build log go to /w/<tag>/",
  ]);
  assert.is(introLines({ tags: ['v28.5.2'], repo: '/m', workDir: '/w', tree: '/w/moby', planOnly: true })[0], 'matrix: 1 tag(s) of /m (v28.5.2), plan only');
  assert.is(tagHeader('v28.5.2', 0, 18), '[1/18] v28.5.2');
  assert.is(tagVerdict(built('v28.5.2', 'v28.5.2', 0, 131.04)), 'v28.5.2: passed (131.0 s)');
  assert.is(tagVerdict(failed()), 'v28.3.0: FAILED at apply (0.4 s): moby v28.3.0 has no patch set; supported versions: v28.5.2');
  assert.is(closingLine([built('v28.5.2', 'v28.5.2', 0, 1), failed()], { json: '/r.json', workDir: '/w' }), '1 of 2 tag(s) passed; JSON in /r.json; binaries and logs in /w');
  assert.is(closingLine([], {}), '0 of 0 tag(s) passed');
});

Table('the JSON: run facts, counts, rows with seconds to a tenth', () => {
  const facts: RunFacts = {
    started: '2025-01-01T00:00:00.000Z',
    command: 'npm run matrix -- --tags v28.5.2',
    host: { kernel: '6.1.0', go: 'go version go1.24.0 linux/amd64', node: 'v20.19.0' },
    repo: '/m',
    workDir: '/w',
    planOnly: false,
    e2e: false,
    keepGoing: false,
  };
  const report = buildReport(facts, [built('v28.5.2', 'v28.5.2', 0, 131.04), failed()], 140.06);
  assert.equal({ ...report, rows: undefined }, { format: 1, ...facts, seconds: 140.1, summary: { tags: 2, passed: 1, failed: 1 }, rows: undefined });
  assert.is(report.rows[0]!.seconds, 131);
  assert.equal(Object.keys(report.rows[1]!), ['tag', 'set', 'offsets', 'apply', 'build', 'validate', 'e2e', 'seconds', 'failure', 'out']);
  assert.equal(report.rows[1]!.failure, { stage: 'apply', message: 'moby v28.3.0 has no patch set; supported versions: v28.5.2' });
});

Table('the command line is retyped with quotes where the shell needs them', () => {
  assert.is(commandLine('npm run matrix --', ['--tags', 'v28.0.0..v28.5.2', '--json', '/tmp/a b.json']), "npm run matrix -- --tags v28.0.0..v28.5.2 --json '/tmp/a b.json'");
  assert.is(commandLine('npm run matrix --', ["it's"]), `npm run matrix -- 'it'\\''s'`);
});

Table.run();
