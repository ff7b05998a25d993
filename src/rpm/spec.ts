/**
 * The one change we make to docker-ce-packaging's docker-ce.spec (in the staged copy only): ship our
 * example daemon.json as documentation. Never as /etc/docker/daemon.json, which would override the
 * admin's own configuration on every install. Pure text in, text out; a moved anchor is an error.
 */
import { SpecAnchorError } from './errors.ts';

export const EXAMPLE_NAME = 'daemon.json.extra-storage.example';
/** Where the example lands on the host: %{_defaultdocdir} is /usr/share/doc on every rpm. */
export const EXAMPLE_INSTALLED = `/usr/share/doc/docker-ce/${EXAMPLE_NAME}`;

const HOOKS = [
  { after: 'Source0: engine.tgz', add: `Source1: ${EXAMPLE_NAME}` },
  {
    after: 'mkdir -p ${RPM_BUILD_ROOT}/etc/docker',
    add: `install -D -p -m 0644 %{SOURCE1} \${RPM_BUILD_ROOT}%{_defaultdocdir}/docker-ce/${EXAMPLE_NAME}`,
  },
  { after: '%dir /etc/docker', add: `%doc %{_defaultdocdir}/docker-ce/${EXAMPLE_NAME}` },
] as const;

export function addExampleToSpec(text: string, specName = 'docker-ce.spec'): string {
  const lines = text.split('\n');
  for (const hook of HOOKS) {
    if (lines.includes(hook.add)) continue; // staged twice: already there
    const at = lines.findIndex((line) => line.trim() === hook.after);
    if (at < 0) throw new SpecAnchorError(specName, hook.after);
    lines.splice(at + 1, 0, hook.add);
  }
  return lines.join('\n');
}
