/** What we add to docker-ce.spec: the example config as documentation; for docker-v29 trees, docker-ce-extra-snapshotter. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SpecAnchorError } from '../../src/rpm/errors.ts';
import { addExampleToSpec, EXAMPLE_NAME, patchSpec } from '../../src/rpm/spec.ts';
import { SNAPSHOTTER_SOURCE } from '../../src/rpm/spec-snapshotter.ts';
import { onPath, removeDir, tempDir } from '../helpers.ts';
import { TOY_SPEC } from './fixtures.ts';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const Spec = suite('addExampleToSpec');

Spec('declares the example as Source1, installs it under the doc dir and lists it as %doc', () => {
  const lines = addExampleToSpec(TOY_SPEC).split('\n');
  const after = (anchor: string) => lines[lines.indexOf(anchor) + 1];
  assert.is(after('Source0: engine.tgz'), `Source1: ${EXAMPLE_NAME}`);
  assert.match(after('mkdir -p ${RPM_BUILD_ROOT}/etc/docker')!, /^install -D -p -m 0644 %\{SOURCE1\} \$\{RPM_BUILD_ROOT\}%\{_defaultdocdir\}\/docker-ce\//);
  assert.is(after('%dir /etc/docker'), `%doc %{_defaultdocdir}/docker-ce/${EXAMPLE_NAME}`);
  assert.not.match(lines.join('\n'), /\/etc\/docker\/daemon\.json/, 'never the admin config');
});

Spec('is idempotent: a second pass adds nothing', () => {
  const once = addExampleToSpec(TOY_SPEC);
  assert.is(addExampleToSpec(once), once);
});

Spec('a spec without an anchor is refused with the anchor named', () => {
  const spec = TOY_SPEC.replace('%dir /etc/docker\n', '');
  assert.throws(() => addExampleToSpec(spec, 'docker-ce.spec'), (e: unknown) => e instanceof SpecAnchorError && e.anchor === '%dir /etc/docker');
});

const withSnapshotter = () => patchSpec(TOY_SPEC, { snapshotter: true });

Spec('a docker-v29 spec gets the snapshotter sub-package: source, build, check, install, files, scriptlets', () => {
  const text = withSnapshotter();
  const lines = text.split('\n');
  const after = (anchor: string) => lines[lines.indexOf(anchor) + 1];
  assert.is(after(`Source1: ${EXAMPLE_NAME}`), `Source2: ${SNAPSHOTTER_SOURCE}`);
  assert.is(after('%setup -q -c -n src -a 0'), '%setup -q -T -D -n src -a 2');
  assert.ok(lines.indexOf('%package extra-snapshotter') < lines.indexOf('%prep'));
  assert.match(text, 'GOTOOLCHAIN=local GOFLAGS="-mod=vendor -trimpath -buildvcs=false" make -C ${RPM_BUILD_DIR}/src/extra-snapshotter/snapshotter build');
  assert.match(after('%check')!, /^extra-snapshotter\/snapshotter\/bin\/extra-snapshotter --help/);
  assert.match(text, 'install -D -p -m 0644 extra-snapshotter/snapshotter/systemd/containerd.service.d/extra-snapshotter.conf ${RPM_BUILD_ROOT}%{_unitdir}/containerd.service.d/extra-snapshotter.conf');
  const files = text.slice(text.indexOf('%files extra-snapshotter'), text.indexOf('%changelog'));
  assert.match(files, '%{_unitdir}/containerd.service.d/extra-snapshotter.conf');
  for (const macro of ['%systemd_post', '%systemd_preun', '%systemd_postun_with_restart']) assert.match(files, `${macro} extra-snapshotter.service`);
  // docker-ce's own sections are as before.
  assert.is(patchSpec(TOY_SPEC, { snapshotter: false }), addExampleToSpec(TOY_SPEC));
  assert.not.match(addExampleToSpec(TOY_SPEC), 'extra-snapshotter');
});

Spec('the snapshotter hooks are idempotent too', () => {
  assert.is(patchSpec(withSnapshotter(), { snapshotter: true }), withSnapshotter());
});

Spec('a spec without an anchor of the snapshotter hooks is refused with it named', () => {
  const spec = TOY_SPEC.replace('\n%changelog', '\n%changes');
  assert.throws(() => patchSpec(spec, { snapshotter: true }), (e: unknown) => e instanceof SpecAnchorError && e.anchor === '%changelog');
});

if (!onPath('rpmspec')) {
  console.log('SKIPPED rpm spec parse: rpmspec is not installed (apt-get install rpm)');
} else {
  Spec("rpm's own parser reads two packages from it, the sub-package tied to docker-ce's exact build", async () => {
    const dir = await tempDir();
    try {
      const spec = join(dir, 'docker-ce.spec');
      await writeFile(spec, withSnapshotter());
      const defines = ['_version 29.7.2', '_release 1.extra1', 'dist .el9'].flatMap((d) => ['--define', d]);
      const q = (format: string) => spawnSync('rpmspec', [...defines, '-q', '--qf', format, spec], { encoding: 'utf8' });
      const names = q('%{NAME}\n');
      assert.is(names.status, 0, names.stderr);
      assert.equal(names.stdout.trim().split('\n'), ['docker-ce', 'docker-ce-extra-snapshotter']);
      const requires = q('[%{=NAME}: %{REQUIRENEVRS}\n]');
      assert.match(requires.stdout, 'docker-ce-extra-snapshotter: docker-ce = 3:29.7.2-1.extra1.el9');
    } finally {
      await removeDir(dir);
    }
  });
}

Spec.run();
