import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatTable, median, recordFileName, summarize } from '../../src/bench/stats.ts';

const Stats = suite('bench/stats');

Stats('the median of an odd count is the middle value, of an even count the mean of the two middle ones', () => {
  assert.is(median([5, 1, 3]), 3);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

Stats('a scenario summary takes medians per column and of the per-run totals', () => {
  const summary = summarize({
    scenario: 'store',
    samples: [
      { pullMs: 100, firstOutputMs: 10, deviceBytesRead: 4096 },
      { pullMs: 300, firstOutputMs: 30, deviceBytesRead: 0 },
      { pullMs: 200, firstOutputMs: 500, deviceBytesRead: 8192 },
    ],
  });
  assert.is(summary.pullMs, 200);
  assert.is(summary.firstOutputMs, 30);
  assert.is(summary.totalMs, 330);
  assert.is(summary.deviceBytesRead, 4096);
  assert.is(summary.runs, 3);
  assert.is(summary.firstPullMs, 100, 'the first run is kept apart: with verify content it is the one that hashes');
});

Stats('the table has a header, a rule and one row per scenario, failures shown as such', () => {
  const lines = formatTable([
    summarize({ scenario: 'local', samples: [{ pullMs: 0, firstOutputMs: 600 }] }),
    summarize({ scenario: 'store', samples: [], error: 'daemon did not start' }),
  ]);
  assert.is(lines.length, 4);
  assert.match(lines[0]!, /^scenario\s+runs\s+pull ms/);
  assert.match(lines[0]!, /pull ms\s+first pull ms\s+first output ms/);
  assert.match(lines[2]!, /^local\s+1\s+0\s+0\s+600/);
  assert.match(lines[3]!, 'FAILED: daemon did not start');
});

Stats('record names sort by time and carry a safe host name', () => {
  assert.is(recordFileName(new Date('2026-01-02T03:04:05.678Z'), 'host/a b'), '2026-01-02T03-04-05-678Z-host_a_b.json');
});

Stats.run();
