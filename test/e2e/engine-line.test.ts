import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { engineMajor, lineDaemonConfig, withLineConfig } from '../../src/e2e/engine-line.ts';
import { goInvocation } from '../../src/e2e/go-tests.ts';

const Line = suite('e2e/engine-line');

Line('the major version is read from dockerd --version, stamped or not', () => {
  for (const [line, major] of [
    ['Docker version 29.7.2-extra.1, build 5072b5c-extra.1', 29],
    ['Docker version 28.5.2, build 89c5e8f', 28],
    ['Docker version dev, build unknown', undefined],
    ['', undefined],
  ] as const) {
    assert.is(engineMajor(line), major, line);
  }
});

Line('v29 daemons start on the graph driver without time namespaces; v28 needs no key', () => {
  assert.equal(lineDaemonConfig(28), {});
  assert.equal(lineDaemonConfig(undefined), {});
  assert.equal(lineDaemonConfig(29), { features: { 'containerd-snapshotter': false, 'time-namespaces': false } });
  assert.equal(lineDaemonConfig(30), lineDaemonConfig(29));
});

Line("a scenario's keys win, and its features are merged over the line's one by one", () => {
  const line = lineDaemonConfig(29);
  const merged = withLineConfig(line, { 'extra-storage': { path: '/s' }, features: { 'containerd-snapshotter': true } });
  assert.equal(merged, { 'extra-storage': { path: '/s' }, features: { 'containerd-snapshotter': true, 'time-namespaces': false } });
  assert.equal(withLineConfig({}, { 'extra-storage': { path: '/s' } }), { 'extra-storage': { path: '/s' } });
  assert.equal(withLineConfig(line, { features: { 'containerd-snapshotter': null } }), { features: { 'time-namespaces': false } }, 'null leaves it to the default');
  assert.equal(withLineConfig({ features: { a: true } }, { features: { a: null } }), {}, 'no features left: no key');
  assert.equal(line, { features: { 'containerd-snapshotter': false, 'time-namespaces': false } }, 'the line config is not changed');
});

Line('Go runs through with-go-mod.sh and vendor.mod on v28, and directly in v29 module trees', () => {
  assert.equal(goInvocation(true, ['test', '-count=1', './layer']), ['./hack/with-go-mod.sh', ['go', 'test', '-mod=vendor', '-modfile=vendor.mod', '-count=1', './layer']]);
  assert.equal(goInvocation(false, ['vet', './daemon/internal/layer']), ['go', ['vet', '-mod=vendor', './daemon/internal/layer']]);
});

Line.run();
