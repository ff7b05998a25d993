/** The one hook we add to docker-ce.spec: the example config as documentation. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SpecAnchorError } from '../../src/rpm/errors.ts';
import { addExampleToSpec, EXAMPLE_NAME } from '../../src/rpm/spec.ts';
import { TOY_SPEC } from './fixtures.ts';

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

Spec.run();
