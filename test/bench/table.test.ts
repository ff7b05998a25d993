import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { benchRows } from '../../src/bench/rows.ts';
import { formatBenchTable } from '../../src/bench/table.ts';
import { BIG, record, run, SMALL, sizeResult } from './fixture.ts';

const Rows = suite('bench/rows');
const row = (rows: ReturnType<typeof benchRows>, label: string) => rows.find((r) => r.label === label);

Rows('one cell per size: times as median (p95), bytes as the median', () => {
  const rows = benchRows(record([sizeResult(SMALL, [run({ extraPullMs: 150 }), run({ extraPullMs: 170 }), run({ extraPullMs: 400 })]), sizeResult(BIG, [run()])]));
  assert.equal(row(rows, 'extra pull (verify trusted), ms')!.cells, ['170 (400)', '160 (160)']);
  assert.equal(row(rows, 'store bytes read per extra pull')!.cells, ['1.23 MiB', '1.23 MiB']);
  assert.equal(row(rows, '  per layer')!.cells, ['126 KiB', '126 KiB']);
});

Rows('verify content shows its first pull (the one that hashes) apart from the later ones', () => {
  const rows = benchRows(record([sizeResult(SMALL, [run({ contentPullMs: 900, contentPullStoreBytesRead: 67_108_864 }), run({ contentPullMs: 150, contentPullStoreBytesRead: 1024 }), run({ contentPullMs: 170, contentPullStoreBytesRead: 2048 })])]));
  assert.equal(row(rows, 'extra pull, verify content: first (hashes), ms')!.cells, ['900']);
  assert.equal(row(rows, 'extra pull, verify content: later, ms')!.cells, ['160 (170)']);
  assert.equal(row(rows, 'store bytes read, verify content: first pull')!.cells, ['64.0 MiB']);
  assert.equal(row(rows, 'store bytes read, verify content: later pulls')!.cells, ['1.50 KiB']);
});

Rows('the fleet adds its spread and its bytes, per size', () => {
  const fleet = { hosts: 3, pullMs: [200, 300, 250], spread: { min: 200, median: 250, max: 300 }, storeBytesRead: 3 * 1024 ** 2 };
  const rows = benchRows(record([sizeResult(SMALL, [run()], { fleet }), sizeResult(BIG, [run()])]));
  assert.equal(row(rows, 'fleet of 3, pull ms min / median / max')!.cells, ['200 / 250 / 300', '-']);
  assert.equal(row(rows, 'fleet of 3, store bytes read (all hosts)')!.cells, ['3.00 MiB', '-']);
});

Rows('a peer that ran gets its figures; one that was skipped gets one row with its reason', () => {
  const podman = { peer: 'podman', what: 'Podman', versions: { podman: '4.3.1' }, samples: [{ coldFirstOutputMs: 170, warmFirstOutputMs: 90, deviceBytesRead: 4096 }] };
  const stargz = { peer: 'stargz', what: 'stargz', skipped: 'containerd-stargz-grpc is not built' };
  const rows = benchRows(record([sizeResult(SMALL, [run()])], [podman, stargz]));
  assert.equal(row(rows, 'podman: first output cold, ms')!.cells, ['170']);
  assert.equal(row(rows, 'podman: pull, ms')!.cells, ['-']);
  assert.equal(row(rows, 'podman: store bytes read, cold run')!.cells, ['4.00 KiB']);
  assert.equal(row(rows, 'stargz')!.cells, ['skipped: containerd-stargz-grpc is not built']);
});

const Table = suite('bench/table');

Table('the table has a header per size, the targets with verdicts, and the honesty line', () => {
  const lines = formatBenchTable(record([sizeResult(SMALL, [run()]), sizeResult(BIG, [run({ registryPullMs: 11_000, extraPullMs: 100 })])]));
  assert.match(lines[0]!, /^figure \(median, p95 in brackets\)\s+64 MiB\s+1 GiB$/);
  assert.ok(lines.some((l) => /extra pull faster than the registry pull.*110×.*≥ 100×.*met/.test(l)));
  assert.ok(lines.some((l) => /Podman cold run.*n\/a.*not in this run/.test(l)));
  assert.ok(lines.some((l) => /^10,000 hosts pulling the 1 GiB image read 12.0 GiB from the store, against 586 GiB of registry egress\.$/.test(l)));
  assert.is(lines.at(-1), 'honesty: all 1 checks passed');
});

Table('failed honesty checks are listed, each with its reason', () => {
  const r = record([sizeResult(SMALL, [run()])]);
  r.honesty.push({ name: 'extra pull did not touch the registry', ok: false, detail: 'GET /v2/ 200' });
  const lines = formatBenchTable(r);
  assert.ok(lines.includes('honesty: 1 check(s) FAILED'));
  assert.is(lines.at(-1), '  FAIL extra pull did not touch the registry: GET /v2/ 200');
});

Rows.run();
Table.run();
