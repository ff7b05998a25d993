/** checkRpm: what a built RPM must hold, compared as data. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRpm, checkRpmSet, MAN_PAGE_PREFIX, REQUIRED_FILES, scriptlets, type Expectation, type RpmFacts } from '../../src/rpm/verify.ts';
import { SNAPSHOTTER_FILES } from '../../src/rpm/spec-snapshotter.ts';

const Verify = suite('checkRpm');

const want: Expectation = {
  version: '28.5.2',
  release: '1.extra1.el9',
  dockerdVersion: 'Docker version 28.5.2-extra.1, build abc1234',
  helpMentions: ['--extra-storage'],
  requires: ['containerd.io >= 2.1.5', '(iptables-nft or iptables)'],
  snapshotter: false,
};

const good: RpmFacts = {
  path: '/out/docker-ce-28.5.2-1.extra1.el9.x86_64.rpm',
  name: 'docker-ce',
  version: '28.5.2',
  release: '1.extra1.el9',
  arch: 'x86_64',
  size: 1,
  source: false,
  files: [...REQUIRED_FILES, `${MAN_PAGE_PREFIX}.gz`, '/etc/docker'],
  info: '',
  requires: ['containerd.io >= 2.1.5', '(iptables-nft or iptables)', 'libc.so.6()(64bit)', 'rpmlib(CompressedFileNames) <= 3.0.4-1'],
  digestsOk: true,
  digestLine: 'digests OK',
  dockerdVersion: 'Docker version 28.5.2-extra.1, build abc1234',
  dockerdHelp: '  --extra-storage string',
  scripts: 'postinstall scriptlet (using /bin/sh):\n/usr/lib/systemd/systemd-update-helper install-system-units docker.service\n',
};

Verify('a complete docker-ce passes', () => {
  assert.equal(checkRpm(good, want), []);
});

Verify('a wrong --version is caught with what was expected and found', () => {
  const failures = checkRpm({ ...good, dockerdVersion: 'Docker version 28.5.2, build 8ed7814' }, want);
  assert.equal(failures, [
    { rpm: 'docker-ce-28.5.2-1.extra1.el9.x86_64.rpm', check: 'dockerd --version', expected: want.dockerdVersion, found: 'Docker version 28.5.2, build 8ed7814' },
  ]);
});

Verify('a stock release, a missing docker-init and bad digests are each reported', () => {
  const files = good.files.filter((f) => f !== '/usr/libexec/docker/docker-init');
  const failures = checkRpm({ ...good, release: '1.el9', files, digestsOk: false, digestLine: 'x.rpm: DIGESTS NOT OK' }, want);
  assert.equal(failures.map((f) => f.check), ['release', 'rpm -K', 'rpm -qpl']);
  assert.is(failures[2]!.expected, '/usr/libexec/docker/docker-init');
});

Verify('a weakened or dropped requirement of the spec is caught, each named', () => {
  const requires = ['containerd.io >= 1.7.27', 'libc.so.6()(64bit)'];
  const failures = checkRpm({ ...good, requires }, want);
  assert.equal(failures.map((f) => [f.check, f.expected, f.found]), [
    ['rpm -qpR', 'requires containerd.io >= 2.1.5', 'not required'],
    ['rpm -qpR', 'requires (iptables-nft or iptables)', 'not required'],
  ]);
});

Verify('an SRPM must carry the spec, engine.tgz and the example', () => {
  const srpm: RpmFacts = { ...good, path: '/out/x.src.rpm', source: true, files: ['docker-ce.spec', 'engine.tgz'] };
  assert.equal(checkRpm(srpm, want).map((f) => f.expected), ['daemon.json.extra-storage.example']);
});

const v29: Expectation = { ...want, version: '29.7.2', release: '1.extra1.el9', dockerdVersion: 'Docker version 29.7.2-extra.1, build abc1234', snapshotter: true };
const SCRIPTS = [
  'postinstall scriptlet (using /bin/sh):',
  'if [ $1 -eq 1 ]; then /usr/lib/systemd/systemd-update-helper install-system-units extra-snapshotter.service || : ; fi',
  'preuninstall scriptlet (using /bin/sh):',
  'if [ $1 -eq 0 ]; then /usr/lib/systemd/systemd-update-helper remove-system-units extra-snapshotter.service || : ; fi',
  'postuninstall scriptlet (using /bin/sh):',
  'if [ $1 -ge 1 ]; then /usr/lib/systemd/systemd-update-helper mark-restart-system-units extra-snapshotter.service || : ; fi',
].join('\n');
const snapshotterRpm: RpmFacts = {
  ...good,
  path: '/out/docker-ce-extra-snapshotter-29.7.2-1.extra1.el9.x86_64.rpm',
  name: 'docker-ce-extra-snapshotter',
  version: '29.7.2',
  files: [...SNAPSHOTTER_FILES, '/usr/lib/systemd/system/containerd.service.d'],
  requires: ['docker-ce = 3:29.7.2-1.extra1.el9', 'containerd.io', 'systemd', 'libc.so.6()(64bit)'],
  dockerdVersion: undefined,
  dockerdHelp: undefined,
  snapshotterHelp: 'Usage: extra-snapshotter [flags]\n  [proxy_plugins.extra]\n',
  scripts: SCRIPTS,
};
const engineRpm: RpmFacts = { ...good, version: '29.7.2', dockerdVersion: v29.dockerdVersion };

Verify('docker-ce-extra-snapshotter with its binary, units, engine and scriptlets passes', () => {
  assert.equal(checkRpm(snapshotterRpm, v29), []);
  assert.equal(checkRpmSet([engineRpm, snapshotterRpm], v29), []);
});

Verify('the snapshotter package without its drop-in, its engine tie, a working binary or a scriptlet is caught', () => {
  const broken: RpmFacts = {
    ...snapshotterRpm,
    files: snapshotterRpm.files.filter((f) => !f.endsWith('extra-snapshotter.conf')),
    requires: ['docker-ce', 'containerd.io'],
    snapshotterHelp: 'exec format error',
    scripts: SCRIPTS.split('\n').slice(0, 4).join('\n'),
  };
  assert.equal(checkRpm(broken, v29).map((f) => [f.check, f.found]), [
    ['rpm -qpl', '(nothing)'],
    ['rpm -qpR', 'not required'],
    ['extra-snapshotter --help', 'exec format error'],
    ['rpm -qp --scripts', 'missing'],
  ]);
});

Verify('the set of binary RPMs: the snapshotter package exactly when the build packages it', () => {
  assert.equal(checkRpmSet([engineRpm], v29), [{ rpm: '(binary RPMs)', check: 'packages', expected: 'docker-ce docker-ce-extra-snapshotter', found: 'docker-ce' }]);
  assert.equal(checkRpmSet([good], want), []);
  assert.is(checkRpmSet([good, snapshotterRpm], want).length, 1);
  // Not asked for, it is not taken for docker-ce either.
  assert.equal(checkRpm(snapshotterRpm, want).find((f) => f.check === 'name')?.expected, 'docker-ce');
});

Verify('a v29 SRPM must carry extra-snapshotter.tgz too', () => {
  const srpm: RpmFacts = { ...good, path: '/out/x.src.rpm', source: true, files: ['docker-ce.spec', 'engine.tgz', 'daemon.json.extra-storage.example'] };
  assert.equal(checkRpm(srpm, { ...v29, version: '28.5.2' }).map((f) => f.expected), ['extra-snapshotter.tgz']);
});

Verify('scriptlets splits rpm --scripts output by scriptlet', () => {
  const parts = scriptlets(SCRIPTS);
  assert.equal(Object.keys(parts), ['postinstall', 'preuninstall', 'postuninstall']);
  assert.match(parts.preuninstall!, 'remove-system-units extra-snapshotter.service');
  assert.not.match(parts.preuninstall!, 'mark-restart');
});

Verify.run();
