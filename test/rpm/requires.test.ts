/** specRequires: the Requires of docker-ce.spec that every built RPM must keep. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { normalizeDependency, specRequires } from '../../src/rpm/requires.ts';

const Requires = suite('specRequires');

const cases: Array<{ name: string; spec: string; want: string[] }> = [
  {
    name: 'plain and versioned lines, in order',
    spec: 'Name: docker-ce\nRequires: systemd\nRequires: containerd.io >= 2.1.5\nRequires: tar\n',
    want: ['systemd', 'containerd.io >= 2.1.5', 'tar'],
  },
  {
    name: 'a rich dependency is one, commas split plain ones',
    spec: 'Requires: (iptables-nft or iptables)\nRequires: tar, xz >= 5\n',
    want: ['(iptables-nft or iptables)', 'tar', 'xz >= 5'],
  },
  {
    name: 'lines inside %if (nested too) hold on some distros only: left out',
    spec: 'Requires: a\n%if 0%{?rhel} < 9\nRequires: libcgroup\n%ifarch x86_64\nRequires: b\n%endif\n%else\nRequires: c\n%endif\nRequires: d\n',
    want: ['a', 'd'],
  },
  {
    name: 'macro values, BuildRequires, Recommends and scriptlet requires are not package requires',
    spec: 'Requires: docker-ce-cli = %{version}\nBuildRequires: gcc\nRecommends: extras\nRequires(post): systemd\nRequires: xz\n',
    want: ['xz'],
  },
  {
    name: 'stops at the first section: a later %package preamble is another package',
    spec: 'Requires: a\n%description\ntext\n%package rootless\nRequires: slirp4netns\n',
    want: ['a'],
  },
  {
    name: 'spacing is normalized as rpm -qpR prints it',
    spec: 'Requires:   containerd.io>=2.1.5  \n',
    want: ['containerd.io >= 2.1.5'],
  },
];

for (const c of cases) {
  Requires(c.name, () => {
    assert.equal(specRequires(c.spec), c.want);
  });
}

Requires('normalizeDependency leaves a bare name and a rich dependency alone', () => {
  assert.is(normalizeDependency('tar'), 'tar');
  assert.is(normalizeDependency('(a  or b)'), '(a or b)');
  assert.is(normalizeDependency('x <= 1.0-1'), 'x <= 1.0-1');
});

Requires.run();
