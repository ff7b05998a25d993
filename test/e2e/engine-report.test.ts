import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareMoves, driverRows, expectedMoves, featureLines, moved, parseMetrics, seriesKey } from '../../src/e2e/engine-report.ts';

// The shape dockerd's /metrics serves (prometheus text exposition), trimmed to a few series.
const EXPOSITION = `# HELP engine_daemon_events_total The number of events logged
# TYPE engine_daemon_events_total counter
engine_daemon_events_total 7
# HELP engine_extra_storage_pulls_total The number of NAME:TAG-extra pulls
# TYPE engine_extra_storage_pulls_total counter
engine_extra_storage_pulls_total{mode="registry-assisted",outcome="ok"} 0
engine_extra_storage_pulls_total{mode="store",outcome="ok"} 2
engine_extra_storage_bytes_not_downloaded_total{mode="store"} 6.7108864e+07
engine_extra_storage_store_errors_total{kind="unavailable"} 1
`;

const Parse = suite('e2e/engine-report parseMetrics');

Parse('reads the feature\'s series only, labels sorted, exponents as numbers', () => {
  const series = parseMetrics(EXPOSITION);
  assert.equal([...series.keys()].sort(), [
    'engine_extra_storage_bytes_not_downloaded_total{mode=store}',
    'engine_extra_storage_pulls_total{mode=registry-assisted,outcome=ok}',
    'engine_extra_storage_pulls_total{mode=store,outcome=ok}',
    'engine_extra_storage_store_errors_total{kind=unavailable}',
  ]);
  assert.is(series.get('engine_extra_storage_bytes_not_downloaded_total{mode=store}'), 67108864);
});

Parse('a key does not depend on the order of the labels', () => {
  const series = parseMetrics('engine_extra_storage_layers_total{source="linked",mode="store"} 3\n');
  assert.is(series.get(seriesKey('engine_extra_storage_layers_total', { mode: 'store', source: 'linked' })), 3);
});

Parse('featureLines keeps HELP, TYPE and samples of the feature', () => {
  assert.is(featureLines(EXPOSITION).length, 6);
});

Parse.run();

const Moves = suite('e2e/engine-report moves');

Moves('moved is after minus before, series absent before counting from 0, unmoved ones left out', () => {
  const before = parseMetrics('engine_extra_storage_pulls_total{mode="store",outcome="ok"} 1\nengine_extra_storage_layers_total{mode="store",source="linked"} 4\n');
  const after = parseMetrics('engine_extra_storage_pulls_total{mode="store",outcome="ok"} 3\nengine_extra_storage_layers_total{mode="store",source="linked"} 4\nengine_extra_storage_store_errors_total{kind="busy"} 1\n');
  assert.equal([...moved(before, after)], [
    ['engine_extra_storage_pulls_total{mode=store,outcome=ok}', 2],
    ['engine_extra_storage_store_errors_total{kind=busy}', 1],
  ]);
});

Moves('the mounted phase expects its pulls, and only those, to move the counters', () => {
  const want = expectedMoves({ storeOk: 2, linked: 3, present: 3, linkedBytes: 100, assistedFailed: 1, unavailable: 1 });
  assert.equal(Object.fromEntries(want), {
    'engine_extra_storage_pulls_total{mode=store,outcome=ok}': 2,
    'engine_extra_storage_pulls_total{mode=store,outcome=unavailable}': 1,
    'engine_extra_storage_pulls_total{mode=registry-assisted,outcome=failed}': 1,
    'engine_extra_storage_layers_total{mode=store,source=linked}': 3,
    'engine_extra_storage_layers_total{mode=store,source=present}': 3,
    'engine_extra_storage_bytes_not_downloaded_total{mode=store}': 100,
    'engine_extra_storage_store_errors_total{kind=unavailable}': 1,
  });
  assert.equal(compareMoves(want, want), []);
});

Moves('compareMoves names each series that moved by another amount, or should not have moved', () => {
  const want = expectedMoves({ storeOk: 1, linked: 0, present: 0, linkedBytes: 0, assistedFailed: 0, unavailable: 0 });
  const got = new Map([[seriesKey('engine_extra_storage_pulls_total', { mode: 'store', outcome: 'ok' }), 2], [seriesKey('engine_extra_storage_store_errors_total', { kind: 'busy' }), 1]]);
  assert.equal(compareMoves(want, got), [
    'engine_extra_storage_pulls_total{mode=store,outcome=ok}: want +1, got +2',
    'engine_extra_storage_store_errors_total{kind=busy}: want +0, got +1',
  ]);
});

Moves.run();

const Info = suite('e2e/engine-report driverRows');

Info('docker info\'s DriverStatus rows as a map', () => {
  const rows = driverRows('[["Backing Filesystem","extfs"],["Extra Storage","/srv/store"],["Extra Storage Images","1 (a:1)"]]\n');
  assert.is(rows.get('Extra Storage'), '/srv/store');
  assert.is(rows.get('Extra Storage Images'), '1 (a:1)');
  assert.is(driverRows('null').size, 0);
});

Info.run();
