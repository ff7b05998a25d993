import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatReadmeSection, README_END, README_START, ReadmeMarkersError, recordNamesNewestFirst, replaceBetweenMarkers } from '../../src/bench/readme.ts';
import { versionIn } from '../../src/bench/units.ts';
import { BIG, record, run, SMALL, sizeResult } from './fixture.ts';

const Readme = suite('bench/readme');
const TWO = record([sizeResult(SMALL, [run()]), sizeResult(BIG, [run({ extraPullStoreBytesRead: 1_000_000, registryPullEgressBytes: 600 * 1024 ** 2 })])]);

Readme('the section is a markdown table with one column per size, from the record alone', () => {
  const text = formatReadmeSection(TWO, 'bench/results/x.json');
  assert.match(text, '|  | 64 MiB | 1 GiB |');
  assert.match(text, '| --- | ---: | ---: |');
  assert.match(text, '| extra pull (verify trusted), ms | 160 (160) | 160 (160) |');
  assert.match(text, '| per layer |', 'labels are trimmed in markdown');
  assert.match(text, '`bench/results/x.json`');
  assert.match(text, 'dockerd 28.5.2-extra.1, docker CLI 28.2.2, docker-registry 2.8.2+ds1.');
  assert.not.match(text, '--quick');
});

Readme('versions are read out of the tools\' own --version lines kept in the record', () => {
  assert.is(versionIn('Docker version 28.2.2, build e6534b4'), '28.2.2');
  assert.is(versionIn('docker-registry github.com/docker/distribution 2.8.2+ds1'), '2.8.2+ds1');
  assert.is(versionIn('Docker version 29.7.2-extra.1, build abc'), '29.7.2-extra.1');
  assert.is(versionIn('unknown'), 'unknown');
});

Readme('a --quick record says so', () => {
  const r = record([sizeResult(SMALL, [run()])]);
  r.plan.quick = true;
  assert.match(formatReadmeSection(r, 'r.json'), '3 interleaved runs on one daemon (`--quick`)');
});

Readme('the 10,000-host rollout of the 1 GiB image is computed from the per-host figures', () => {
  const text = formatReadmeSection(TWO, 'r.json');
  assert.match(text, 'A rollout of the 1 GiB image to 10,000 hosts');
  assert.match(text, 'each host reads 977 KiB from the store to pull, 9.31 GiB for the whole fleet');
  assert.match(text, 'serves 600 MiB per host, 5.72 TiB of registry egress (629× the store\'s bytes)');
});

Readme('a record without 1 GiB says which size its rollout uses', () => {
  assert.match(formatReadmeSection(record([sizeResult(SMALL, [run()])]), 'r.json'), 'the 64 MiB image (this record has no 1 GiB figures)');
});

Readme('a pipe in a cell cannot break the table', () => {
  const r = record([sizeResult(SMALL, [run()])], [{ peer: 'stargz', what: 's', skipped: 'a | b' }]);
  assert.match(formatReadmeSection(r, 'r.json'), '| stargz | skipped: a \\| b |');
});

Readme('failed honesty checks are said, not hidden', () => {
  const r = record([sizeResult(SMALL, [run()])]);
  r.honesty.push({ name: 'x', ok: false });
  assert.match(formatReadmeSection(r, 'r.json'), '**1 honesty check(s) failed');
});

Readme('the text between the markers is replaced and the rest of the README kept', () => {
  const readme = `# t\n\nbefore\n${README_START}\nold table\n${README_END}\nafter\n`;
  assert.is(replaceBetweenMarkers(readme, 'new\n'), `# t\n\nbefore\n${README_START}\nnew\n${README_END}\nafter\n`);
  assert.is(replaceBetweenMarkers(replaceBetweenMarkers(readme, 'new'), 'new'), replaceBetweenMarkers(readme, 'new'), 'idempotent');
});

Readme('a README without the markers is refused, naming the missing one', () => {
  try {
    replaceBetweenMarkers(`${README_START}\nno end`, 'x');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ReadmeMarkersError);
    assert.is((error as ReadmeMarkersError).missing, README_END);
  }
});

Readme('records are found by their time-sorted names, newest first; other files are not records', () => {
  assert.equal(recordNamesNewestFirst(['matrix.json', '2026-11-25T15-48-31-791Z-vm.json', '2026-12-06T14-00-00-000Z-vm.json', 'notes.txt']),
    ['2026-12-06T14-00-00-000Z-vm.json', '2026-11-25T15-48-31-791Z-vm.json']);
});

Readme.run();
