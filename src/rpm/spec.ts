/**
 * The changes we make to docker-ce-packaging's docker-ce.spec (in the staged copy only), as lines
 * put before or after anchor lines of the spec. Always: our example daemon.json as documentation,
 * never as /etc/docker/daemon.json (which would override the admin's own configuration on every
 * install). For docker-v29 trees also the docker-ce-extra-snapshotter sub-package (spec-snapshotter.ts).
 * Pure text in, text out; a moved anchor is an error.
 */
import { SpecAnchorError } from './errors.ts';
import { SNAPSHOTTER_HOOKS } from './spec-snapshotter.ts';

export const EXAMPLE_NAME = 'daemon.json.extra-storage.example';
/** Where the example lands on the host: %{_defaultdocdir} is /usr/share/doc on every rpm. */
export const EXAMPLE_INSTALLED = `/usr/share/doc/docker-ce/${EXAMPLE_NAME}`;

/** Lines put right after (or before) the first line of the spec equal to `anchor` once trimmed. */
export interface SpecHook {
  anchor: string;
  where: 'after' | 'before';
  add: readonly string[];
}

const EXAMPLE_HOOKS: readonly SpecHook[] = [
  { anchor: 'Source0: engine.tgz', where: 'after', add: [`Source1: ${EXAMPLE_NAME}`] },
  {
    anchor: 'mkdir -p ${RPM_BUILD_ROOT}/etc/docker',
    where: 'after',
    add: [`install -D -p -m 0644 %{SOURCE1} \${RPM_BUILD_ROOT}%{_defaultdocdir}/docker-ce/${EXAMPLE_NAME}`],
  },
  { anchor: '%dir /etc/docker', where: 'after', add: [`%doc %{_defaultdocdir}/docker-ce/${EXAMPLE_NAME}`] },
];

export interface SpecChanges {
  /** Package extra-snapshotter (docker-v29 trees): its sources are SOURCES/extra-snapshotter.tgz. */
  snapshotter: boolean;
}

/** The staged spec: the example always, the snapshotter sub-package when asked. Idempotent. */
export function patchSpec(text: string, changes: SpecChanges, specName = 'docker-ce.spec'): string {
  const hooks = changes.snapshotter ? [...EXAMPLE_HOOKS, ...SNAPSHOTTER_HOOKS] : EXAMPLE_HOOKS;
  const lines = text.split('\n');
  for (const hook of hooks) {
    if (lines.includes(hook.add[0]!)) continue; // staged twice: already there
    const at = lines.findIndex((line) => line.trim() === hook.anchor);
    if (at < 0) throw new SpecAnchorError(specName, hook.anchor);
    lines.splice(hook.where === 'after' ? at + 1 : at, 0, ...hook.add);
  }
  return lines.join('\n');
}

/** The example alone (a v28 tree's spec). */
export function addExampleToSpec(text: string, specName = 'docker-ce.spec'): string {
  return patchSpec(text, { snapshotter: false }, specName);
}
