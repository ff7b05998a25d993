import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../src/errors.ts';
import { parsePeers, parseSize, parseSizes, planBench } from '../../src/bench/options.ts';

const Options = suite('bench/options');
const MIB = 1024 ** 2;

const usage = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (error) {
    assert.instance(error, UsageError);
    assert.is((error as UsageError).exitCode, 2);
    assert.not.match((error as Error).message, '\n');
    return error as UsageError;
  }
  assert.unreachable('expected a UsageError');
  throw new Error('unreachable');
};

Options('sizes read as a user writes them', () => {
  assert.is(parseSize('64M'), 64 * MIB);
  assert.is(parseSize('1G'), 1024 ** 3);
  assert.is(parseSize('1GiB'), 1024 ** 3);
  assert.is(parseSize('4096'), 4096);
  assert.is(parseSize('lots'), undefined);
});

Options('a size list is sorted, without duplicates, and refuses sizes out of range', () => {
  assert.equal(parseSizes('1G, 64M,64M'), [64 * MIB, 1024 ** 3]);
  usage(() => parseSizes('64M,huge'));
  usage(() => parseSizes('512K'));
  usage(() => parseSizes(''));
});

Options('the defaults are 64M and 1G, 10 layers, 5 runs, no fleet', () => {
  assert.equal(planBench({ dockerd: 'd' }), { kind: 'run', sizes: [64 * MIB, 1024 ** 3], layers: 10, runs: 5, fleet: 0, quick: false, peers: [] });
});

Options('--quick is one 64M size and 3 runs, and cannot be mixed with --sizes or --runs', () => {
  assert.equal(planBench({ dockerd: 'd', quick: true, fleet: '3' }), { kind: 'run', sizes: [64 * MIB], layers: 10, runs: 3, fleet: 3, quick: true, peers: [] });
  usage(() => planBench({ dockerd: 'd', quick: true, sizes: '1G' }));
  usage(() => planBench({ dockerd: 'd', quick: true, runs: '9' }));
});

Options('--dockerd is required to measure; numbers out of range are usage errors', () => {
  usage(() => planBench({}));
  usage(() => planBench({ dockerd: 'd', runs: '0' }));
  usage(() => planBench({ dockerd: 'd', layers: '1' }));
  usage(() => planBench({ dockerd: 'd', fleet: '2.5' }));
  usage(() => planBench({ dockerd: 'd', fleet: '-1' }));
});

Options('every peer runs by default, none with --quick; --peers names them, all or none', () => {
  const known = ['podman', 'stargz'];
  assert.equal(planBench({ dockerd: 'd' }, known), planBench({ dockerd: 'd', peers: 'all' }, known));
  assert.equal(parsePeers(undefined, known, false), known);
  assert.equal(parsePeers(undefined, known, true), []);
  assert.equal(parsePeers('stargz, stargz', known, true), ['stargz']);
  assert.equal(parsePeers('none', known, false), []);
  assert.match(usage(() => parsePeers('docker', known, false)).message, 'podman, stargz');
  usage(() => parsePeers(',', known, false));
});

Options('--readme measures nothing, so it takes no measuring flag', () => {
  assert.equal(planBench({ readme: true }), { kind: 'readme' });
  assert.match(usage(() => planBench({ readme: true, dockerd: 'd' })).message, '--dockerd');
});

Options.run();
