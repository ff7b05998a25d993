import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { targetChecks } from '../../src/bench/targets.ts';
import { rolloutCost } from '../../src/bench/rollout.ts';
import { BIG, record, run, SMALL, sizeResult } from './fixture.ts';

const Targets = suite('bench/targets');
const byName = (checks: ReturnType<typeof targetChecks>, part: string) => checks.find((c) => c.name.includes(part))!;

Targets('ratios are taken at the largest size, whatever order the sizes come in', () => {
  const checks = targetChecks(record([sizeResult(BIG, [run({ registryPullMs: 11_000, extraPullMs: 100 })]), sizeResult(SMALL, [run()])]));
  assert.is(byName(checks, 'registry ÷ extra').value, 110);
  assert.is(byName(checks, 'registry ÷ extra').met, true);
  assert.is(byName(checks, 'extra ÷ tag').value, 5);
  assert.is(byName(checks, 'extra ÷ tag').met, false);
  assert.is(byName(checks, 'largest ÷ smallest').value, 100 / 160);
  assert.is(byName(checks, 'per layer').value, 129_024);
  assert.is(byName(checks, 'per layer').met, false);
  assert.is(byName(checks, 'cold first output').value, 1.1);
  assert.is(byName(checks, 'cold first output').met, true);
});

Targets('flatness needs two sizes; the Podman target needs the Podman peer, and says why it has no figure', () => {
  const one = targetChecks(record([sizeResult(SMALL, [run()])]));
  assert.is(byName(one, 'largest ÷ smallest').value, undefined);
  assert.is(byName(one, 'largest ÷ smallest').met, undefined);
  assert.match(byName(one, 'Podman').note, 'not in this run');
  const skipped = targetChecks(record([sizeResult(SMALL, [run()])], [{ peer: 'podman', what: 'Podman additionalimagestores', skipped: 'podman is not installed' }]));
  assert.match(byName(skipped, 'Podman').note, 'podman is not installed');
});

Targets('pull plus cold first output is compared with the Podman peer\'s median cold run', () => {
  const podman = { peer: 'podman', what: 'Podman additionalimagestores', versions: {}, samples: [170, 180, 160].map((c) => ({ coldFirstOutputMs: c, warmFirstOutputMs: 90 })) };
  const check = byName(targetChecks(record([sizeResult(SMALL, [run({ extraPullMs: 150, extraColdFirstOutputMs: 190 })])], [podman])), 'Podman');
  assert.is(check.value, 2);
  assert.is(check.met, false);
});

const Rollout = suite('bench/rollout');

Rollout('10,000 hosts of the 1 GiB image: the single host\'s cold store bytes and the registry egress, times the hosts', () => {
  const cost = rolloutCost(record([sizeResult(SMALL, [run()]), sizeResult(BIG, [run({ extraPullStoreBytesRead: 1_000_000, registryPullEgressBytes: 600_000_000 })])]))!;
  assert.is(cost.size, BIG);
  assert.is(cost.storeBytes, 10_000_000_000);
  assert.is(cost.registryBytes, 6_000_000_000_000);
  assert.is(cost.saving, 600);
  assert.is(cost.coldRunBytesPerHost, 200_000);
});

Rollout('without a 1 GiB size the largest is used; without store bytes there is no rollout', () => {
  assert.is(rolloutCost(record([sizeResult(SMALL, [run()])]), 5)!.storeBytes, 5 * 1_290_240);
  assert.is(rolloutCost(record([sizeResult(SMALL, [{ extraPullMs: 1 }])])), undefined);
});

Targets.run();
Rollout.run();
