import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { testPackages } from '../../src/e2e/go-tests.ts';
import { parseMountInfo } from '../../src/e2e/mounts.ts';
import { Results, formatOutcome, summaryLine, type E2eEvent } from '../../src/e2e/results.ts';
import { Teardown } from '../../src/e2e/teardown.ts';
import { daemonArgs } from '../../src/e2e/daemon.ts';

const Machinery = suite('e2e/machinery');

Machinery('mountinfo lines give mount point, type, source and options, with octal escapes undone', () => {
  const text = [
    '36 35 98:0 / /mnt/my\\040store ro,relatime shared:1 - ext4 /dev/loop3 ro,noload',
    '37 35 0:5 / /proc rw - proc proc rw',
    'garbage',
  ].join('\n');
  const mounts = parseMountInfo(text);
  assert.is(mounts.length, 2);
  assert.equal(mounts[0], { mountPoint: '/mnt/my store', fsType: 'ext4', source: '/dev/loop3', options: ['ro', 'relatime'] });
});

Machinery('Go test packages are the directories of new *_test.go files, outside vendor/', () => {
  const packages = testPackages(['daemon/extrastorage/store_test.go', 'daemon/extrastorage/path_test.go', 'layer/extra_test.go', 'layer/extra.go', 'vendor/x/y_test.go']);
  assert.equal(packages, ['./daemon/extrastorage', './layer']);
  assert.equal(testPackages(['README.md']), []);
});

Machinery('teardown releases newest first, keeps going after a failure, and an early release runs once', async () => {
  const order: string[] = [];
  const teardown = new Teardown();
  teardown.defer('temp', async () => void order.push('temp'));
  const early = teardown.defer('mount', async () => void order.push('mount'));
  teardown.defer('daemon', async () => {
    order.push('daemon');
    throw new Error('would not stop');
  });
  await early();
  const problems = await teardown.release();
  assert.equal(order, ['mount', 'daemon', 'temp']);
  assert.equal(problems, ['daemon: would not stop']);
  assert.equal(await teardown.release(), []);
});

Machinery('results count passes and failures, forward events and end with the exact summary line', () => {
  const events: E2eEvent[] = [];
  const results = new Results((e) => events.push(e));
  results.pass('a');
  results.check('b', false, 'because\nof  this');
  results.skip('c', 'no tree');
  results.figure('pull time', 12, 'ms');
  assert.is(summaryLine(results), '1 passed, 1 failed');
  assert.is(events.length, 4);
  assert.is(formatOutcome(results.outcomes[1]!), 'FAIL b: because of this');
  assert.is(formatOutcome(results.outcomes[2]!), 'SKIP c: no tree');
});

Machinery('every daemon is private: own data-root, exec-root, socket, pidfile; no bridge, no iptables', () => {
  const args = daemonArgs({ dataRoot: '/t/root', execRoot: '/t/exec', socket: '/t/d.sock', pidfile: '/t/d.pid', configFile: '/t/daemon.json' });
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.is(value('--data-root'), '/t/root');
  assert.is(value('--exec-root'), '/t/exec');
  assert.is(value('-H'), 'unix:///t/d.sock');
  assert.is(value('--pidfile'), '/t/d.pid');
  assert.is(value('--bridge'), 'none');
  assert.ok(args.includes('--iptables=false'));
  assert.is(value('--storage-driver'), 'overlay2');
  assert.not.ok(daemonArgs({ dataRoot: '/r', execRoot: '/e', socket: '/s', pidfile: '/p', configFile: '/c', storageDriver: null }).includes('--storage-driver'), 'null: the engine chooses');
});

Machinery.run();
