/** Our macros file under the host's rpm, and the native rpmbuild command line as data. */
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDistro } from '../../src/rpm/distro.ts';
import { buildLayout } from '../../src/rpm/layout.ts';
import { buildEnv, rpmbuildArgs } from '../../src/rpm/native.ts';
import { PACKAGE_ROOT as REPO } from '../../src/project.ts';

const Macros = suite('native rpmbuild inputs');
const MACROS = join(REPO, 'rpm/macros.dockerd-extra');

function evalRpm(expr: string): string | undefined {
  try {
    return execFileSync('rpm', ['--load', MACROS, '--define', 'dist .el9', '--eval', expr], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

Macros('the macros file gives what docker-ce.spec uses and a Debian rpm lacks', () => {
  if (evalRpm('%{_unitdir}') === undefined) return console.log('SKIPPED macros under rpm: rpm is not installed');
  assert.is(evalRpm('%{_unitdir}'), '/usr/lib/systemd/system');
  assert.is(evalRpm('%{_buildshell}'), '/bin/bash');
  assert.match(evalRpm('%systemd_post docker.service')!, /systemd-update-helper install-system-units docker\.service/);
  assert.match(evalRpm('%systemd_preun docker.service docker.socket')!, /remove-system-units docker\.service docker\.socket/);
  assert.match(evalRpm('%systemd_postun_with_restart docker.service')!, /mark-restart-system-units docker\.service/);
  assert.is(evalRpm('%{dist}'), '.el9');
});

Macros('rpmbuild -ba with our macros, the distro macros, our version and --nodeps', () => {
  const layout = buildLayout('out', '/b');
  const args = rpmbuildArgs({
    layout,
    distro: parseDistro('centos-9', []),
    spec: '/b/out/rpmbuild/SPECS/docker-ce.spec',
    macrosFile: '/b/out/rpmbuild/macros.dockerd-extra',
    defines: { _version: '28.5.2', _release: '1.extra1' },
  });
  assert.equal(args, [
    'rpmbuild', '--load', '/b/out/rpmbuild/macros.dockerd-extra',
    '--define', '_topdir /b/out/rpmbuild', '--define', '_tmppath /b/out/tmp', '--define', 'dist .el9', '--define', 'rhel 9',
    '--define', '_version 28.5.2', '--define', '_release 1.extra1',
    '--nodeps', '-ba', '/b/out/rpmbuild/SPECS/docker-ce.spec',
  ]);
});

Macros('the build environment is the packaging containers\' plus ours, caches in the build folder', () => {
  const layout = buildLayout('out', '/b');
  const env = buildEnv({ layout, distro: parseDistro('centos-9', []), spec: 's', macrosFile: 'm', defines: {}, goBin: '/usr/local/go/bin', goMd2man: '/usr/bin/go-md2man' }, '/usr/bin:/bin');
  assert.equal(env, {
    GOPATH: '/go', GO111MODULE: 'on', GOTOOLCHAIN: 'local', AUTO_GOPATH: '1', DOCKER_BUILDTAGS: 'exclude_graphdriver_btrfs',
    GOPROXY: 'off', GOCACHE: '/b/out/cache/go-build', TMPDIR: '/b/out/tmp', GO_MD2MAN: '/usr/bin/go-md2man',
    PATH: '/usr/bin:/bin:/usr/local/go/bin',
  });
});

Macros.run();
