/**
 * Engine version → packaging branch and RPM version/release. Pure: the tree's tag and commit come in,
 * the rpmbuild defines come out. The release marks the RPM as ours and is chosen so that it provably
 * sorts above the stock docker-ce of the same version on the target distro.
 */
import { rpmvercmp } from './vercmp.ts';
import { UnknownEngineLineError } from './errors.ts';

/**
 * Which docker-ce-packaging branch builds which engine line: each branch pins the Go version and the
 * spec of its line (master's spec fails on a v28 tree).
 */
export const PACKAGING_BRANCHES: Readonly<Record<string, string>> = { '28': '28.x', '29': 'master' };

export function packagingBranch(engineVersion: string): string {
  const major = /^(\d+)\./.exec(engineVersion)?.[1];
  const branch = major ? PACKAGING_BRANCHES[major] : undefined;
  if (!branch) throw new UnknownEngineLineError(engineVersion, Object.keys(PACKAGING_BRANCHES).map((m) => `${m}.x`));
  return branch;
}

export interface RpmVersion {
  /** %{_version}: "28.5.2" (pre-release dashes become "~", as gen-rpm-ver does). */
  version: string;
  /** %{_release}, without %{dist}: "1.extra1". */
  release: string;
  /** %{_origversion}: what `dockerd --version` prints: "28.5.2-extra.1", as build-dockerd stamps it. */
  origVersion: string;
  /** %{_gitcommit_engine}: the staged commit, short. */
  gitCommit: string;
}

/** The release docker-ce-packaging gives a tagged engine (gen-rpm-ver: always 1). */
export const STOCK_RELEASE = '1';

/**
 * "1.extra<N>" where that sorts above "1<dist>" (".el9": "extra" > "el"); on distros whose dist tag
 * sorts above "extra" (".fc41") a numeric segment goes first, because rpm ranks numbers above letters.
 */
export function extraRelease(extra: number, dist: string): string {
  const plain = `${STOCK_RELEASE}.extra${extra}`;
  if (rpmvercmp(plain + dist, STOCK_RELEASE + dist) > 0) return plain;
  return `${STOCK_RELEASE}.0.extra${extra}`;
}

export function computeRpmVersion(input: { engineVersion: string; gitCommit: string; extra: number; dist: string }): RpmVersion {
  const rpmVersion = input.engineVersion.replace(/^v/, '').replace('-', '~').replaceAll('-', '.');
  return {
    version: rpmVersion,
    release: extraRelease(input.extra, input.dist),
    // The same stamp as build-dockerd's (src/dockerd/make.ts), so both commands' binaries read alike.
    origVersion: `${input.engineVersion.replace(/^v/, '')}-extra.${input.extra}`,
    gitCommit: input.gitCommit,
  };
}

/** The spec's own %check line, which verify.ts repeats on the extracted binary. */
export function expectedDockerdVersion(v: RpmVersion): string {
  return `Docker version ${v.origVersion}, build ${v.gitCommit}`;
}

/** The rpmbuild defines the Makefile's RPMBUILD_FLAGS would pass, with our version instead of gen-rpm-ver's. */
export function versionDefines(v: RpmVersion): Record<string, string> {
  return {
    _version: v.version,
    _release: v.release,
    _origversion: v.origVersion,
    _gitcommit_engine: v.gitCommit,
  };
}
