/** checkRpm: what a built RPM must hold, compared as data. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRpm, MAN_PAGE_PREFIX, REQUIRED_FILES, type Expectation, type RpmFacts } from '../../src/rpm/verify.ts';

const Verify = suite('checkRpm');

const want: Expectation = {
  version: '28.5.2',
  release: '1.extra1.el9',
  dockerdVersion: 'Docker version 28.5.2-extra.1, build abc1234',
  helpMentions: ['--extra-storage'],
  requires: ['containerd.io >= 2.1.5', '(iptables-nft or iptables)'],
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

Verify.run();
