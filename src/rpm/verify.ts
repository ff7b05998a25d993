/**
 * Checks every built RPM without installing it. Facts are gathered by rpm itself (rpm -qp, -qpl,
 * -qpR, --scripts, -K) and by running the packaged dockerd and extra-snapshotter from the extracted payload; checkRpm() compares them to
 * what we meant to build, as pure data, so a test can feed it a wrong --version.
 */
import type { VerifyFailure } from './errors.ts';
import { normalizeDependency } from './requires.ts';
import { SNAPSHOTTER_USAGE_MARK } from '../dockerd/snapshotter.ts';
import { SNAPSHOTTER_FILES, SNAPSHOTTER_PACKAGE, SNAPSHOTTER_SOURCE } from './spec-snapshotter.ts';
import { EXAMPLE_INSTALLED, EXAMPLE_NAME } from './spec.ts';

export interface RpmFacts {
  path: string;
  name: string;
  version: string;
  release: string;
  arch: string;
  /** Bytes of the .rpm file. */
  size: number;
  source: boolean;
  files: string[];
  info: string;
  /** `rpm -qpR`: what installing the package requires. */
  requires: string[];
  /** `rpm -K` said the digests are OK. */
  digestsOk: boolean;
  digestLine: string;
  /** First line of the packaged `dockerd --version`, when the RPM holds dockerd. */
  dockerdVersion?: string;
  dockerdHelp?: string;
  /** What the packaged `extra-snapshotter --help` printed, when the RPM holds it. */
  snapshotterHelp?: string;
  /** `rpm -qp --scripts`: the install and removal scriptlets. */
  scripts: string;
}

export interface Expectation {
  version: string;
  /** With %{dist}: "1.extra1.el9". */
  release: string;
  dockerdVersion: string;
  /** Flags the packaged `dockerd --help` must list (the patch set's). */
  helpMentions: string[];
  /** The packaging spec's unconditional Requires (requires.ts): the binary RPM must keep every one. */
  requires: string[];
  /** The build packages extra-snapshotter (docker-v29 trees) in docker-ce-extra-snapshotter. */
  snapshotter: boolean;
}

/** What docker-ce must hold: the binaries, the units, the man page, our example. */
export const REQUIRED_FILES = [
  '/usr/bin/dockerd',
  '/usr/bin/docker-proxy',
  '/usr/libexec/docker/docker-init',
  '/usr/lib/systemd/system/docker.service',
  '/usr/lib/systemd/system/docker.socket',
  EXAMPLE_INSTALLED,
] as const;
export const MAN_PAGE_PREFIX = '/usr/share/man/man8/dockerd.8';
export const SRPM_FILES = ['docker-ce.spec', 'engine.tgz', EXAMPLE_NAME] as const;

/** The binary packages the build must give: docker-ce, and docker-ce-extra-snapshotter exactly when asked. */
export function checkRpmSet(rpms: readonly RpmFacts[], want: Expectation): VerifyFailure[] {
  const names = rpms.filter((r) => !r.source).map((r) => r.name).sort();
  const expected = ['docker-ce', ...(want.snapshotter ? [SNAPSHOTTER_PACKAGE] : [])].sort();
  return names.join(' ') === expected.join(' ') ? [] : [{ rpm: '(binary RPMs)', check: 'packages', expected: expected.join(' '), found: names.join(' ') || '(none)' }];
}

type Expect = (check: string, expected: string, found: string | undefined) => void;

export function checkRpm(facts: RpmFacts, want: Expectation): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  const rpm = facts.path.split('/').at(-1) ?? facts.path;
  const expect: Expect = (check, expected, found) => {
    if (found !== expected) failures.push({ rpm, check, expected, found: found ?? '(nothing)' });
  };
  const snapshotter = want.snapshotter && !facts.source && facts.name === SNAPSHOTTER_PACKAGE;
  expect('name', snapshotter ? SNAPSHOTTER_PACKAGE : 'docker-ce', facts.name);
  expect('version', want.version, facts.version);
  expect('release', want.release, facts.release);
  expect('rpm -K', 'digests OK', facts.digestsOk ? 'digests OK' : facts.digestLine);
  const has = (file: string) => (facts.files.includes(file) ? file : undefined);
  if (facts.source) {
    for (const file of [...SRPM_FILES, ...(want.snapshotter ? [SNAPSHOTTER_SOURCE] : [])]) expect('rpm -qpl', file, has(file));
    return failures;
  }
  if (snapshotter) {
    checkSnapshotterRpm(facts, want, expect);
    return failures;
  }
  for (const file of REQUIRED_FILES) expect('rpm -qpl', file, has(file));
  expect('man page', `${MAN_PAGE_PREFIX}*`, facts.files.some((f) => f.startsWith(MAN_PAGE_PREFIX)) ? `${MAN_PAGE_PREFIX}*` : undefined);
  expect('dockerd --version', want.dockerdVersion, facts.dockerdVersion);
  for (const dep of want.requires) {
    expect('rpm -qpR', `requires ${dep}`, facts.requires.map(normalizeDependency).includes(dep) ? `requires ${dep}` : 'not required');
  }
  for (const flag of want.helpMentions) {
    expect('dockerd --help', `lists ${flag}`, facts.dockerdHelp?.includes(flag) ? `lists ${flag}` : 'flag missing');
  }
  return failures;
}

/** docker-ce-extra-snapshotter: its files, the engine it is tied to, a binary that runs, its units' scriptlets. */
function checkSnapshotterRpm(facts: RpmFacts, want: Expectation, expect: Expect): void {
  for (const file of SNAPSHOTTER_FILES) expect('rpm -qpl', file, facts.files.includes(file) ? file : undefined);
  const engine = `${want.version}-${want.release}`;
  const tied = facts.requires.some((r) => /^docker-ce = (?:\d+:)?(.+)$/.exec(r)?.[1] === engine);
  expect('rpm -qpR', `requires docker-ce = ${engine}`, tied ? `requires docker-ce = ${engine}` : 'not required');
  const usage = facts.snapshotterHelp?.includes(SNAPSHOTTER_USAGE_MARK);
  expect('extra-snapshotter --help', `names ${SNAPSHOTTER_USAGE_MARK}`, usage ? `names ${SNAPSHOTTER_USAGE_MARK}` : (facts.snapshotterHelp ?? '').split('\n')[0]);
  const bodies = scriptlets(facts.scripts);
  for (const name of ['postinstall', 'preuninstall', 'postuninstall']) {
    const names = bodies[name]?.includes('extra-snapshotter.service');
    expect('rpm -qp --scripts', `${name} names extra-snapshotter.service`, names ? `${name} names extra-snapshotter.service` : 'missing');
  }
}

/** `rpm -qp --scripts` output by scriptlet: "postinstall scriptlet (using /bin/sh):" starts each. */
export function scriptlets(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\w+) scriptlet\b/.exec(line);
    if (head) current = head[1]!;
    else if (current) out[current] = `${out[current] ?? ''}${line}\n`;
  }
  return out;
}
