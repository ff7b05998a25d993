/**
 * Checks every built RPM without installing it. Facts are gathered by rpm itself (rpm -qp, -qpl,
 * -qpR, -K) and by running the packaged dockerd from the extracted payload; checkRpm() compares them to
 * what we meant to build, as pure data, so a test can feed it a wrong --version.
 */
import type { VerifyFailure } from './errors.ts';
import { normalizeDependency } from './requires.ts';
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

export function checkRpm(facts: RpmFacts, want: Expectation): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  const rpm = facts.path.split('/').at(-1) ?? facts.path;
  const expect = (check: string, expected: string, found: string | undefined) => {
    if (found !== expected) failures.push({ rpm, check, expected, found: found ?? '(nothing)' });
  };
  expect('name', 'docker-ce', facts.name);
  expect('version', want.version, facts.version);
  expect('release', want.release, facts.release);
  expect('rpm -K', 'digests OK', facts.digestsOk ? 'digests OK' : facts.digestLine);
  const has = (file: string) => (facts.files.includes(file) ? file : undefined);
  if (facts.source) {
    for (const file of SRPM_FILES) expect('rpm -qpl', file, has(file));
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
