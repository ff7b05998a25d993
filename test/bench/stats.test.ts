import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { median, p95, recordFileName, spread, summarizeRuns } from '../../src/bench/stats.ts';

const Stats = suite('bench/stats');

Stats('the median of an odd count is the middle value, of an even count the mean of the two middle ones', () => {
  assert.is(median([5, 1, 3]), 3);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

Stats('p95 is the nearest rank: the largest of a few samples, the 19th of twenty', () => {
  assert.is(p95([3, 1, 2]), 3);
  assert.is(p95(Array.from({ length: 20 }, (_, i) => i + 1)), 19);
  assert.is(p95([7]), 7);
  assert.ok(Number.isNaN(p95([])));
});

Stats('runs are summarized per metric with median, p95 and the raw samples in run order; absent metrics are left out', () => {
  const metrics = summarizeRuns([{ extraPullMs: 300, tagMs: 20 }, { extraPullMs: 100 }, { extraPullMs: 200, tagMs: 10 }]);
  assert.equal(metrics.extraPullMs, { median: 200, p95: 300, samples: [300, 100, 200] });
  assert.equal(metrics.tagMs, { median: 15, p95: 20, samples: [20, 10] });
  assert.is(metrics.registryPullMs, undefined);
});

Stats('the spread of a fleet is min, median and max', () => {
  assert.equal(spread([300, 100, 200, 900]), { min: 100, median: 250, max: 900 });
});

Stats('record names sort by time and carry a safe host name', () => {
  assert.is(recordFileName(new Date('2026-01-02T03:04:05.678Z'), 'host/a b'), '2026-01-02T03-04-05-678Z-host_a_b.json');
});

Stats.run();
