/**
 * What can stop `rpm`. Each error carries the data it speaks about; the message is one line that
 * says what is wrong and what to do. Told apart by `code`, never by text.
 */
import { UserError } from '../errors.ts';

export class UnknownEngineLineError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly version: string,
    readonly known: readonly string[],
  ) {
    super(`moby ${version} has no known docker-ce-packaging branch (known engine lines: ${known.join(', ')}); build RPMs from one of those lines`);
    this.name = 'UnknownEngineLineError';
  }
}

export class PackagingBranchError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly path: string,
    readonly found: string,
    readonly wanted: string,
    readonly engine: string,
  ) {
    super(`docker-ce-packaging at ${path} is on "${found}" but moby ${engine} needs branch ${wanted}; run git -C ${path} checkout ${wanted}, or pass --packaging a ${wanted} checkout`);
    this.name = 'PackagingBranchError';
  }
}

export class NotPackagingError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly path: string,
    readonly missing: string,
  ) {
    super(`${path} is not a docker-ce-packaging checkout (no ${missing}); pass --packaging a checkout of github.com/docker/docker-ce-packaging`);
    this.name = 'NotPackagingError';
  }
}

export class UnknownDistroError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly distro: string,
    readonly known: readonly string[],
  ) {
    super(`--distro ${distro} is not an RPM distro of docker-ce-packaging; use one of ${known.join(', ')}`);
    this.name = 'UnknownDistroError';
  }
}

export class SpecAnchorError extends UserError {
  constructor(
    readonly spec: string,
    readonly anchor: string,
  ) {
    super(`${spec} has no line "${anchor}" to hook our changes to; this packaging branch changed its spec: update src/rpm/spec.ts`);
    this.name = 'SpecAnchorError';
  }
}

export class NoEngineError extends UserError {
  constructor(readonly reason: string) {
    super(`--container needs a Docker engine and registry access, but ${reason}; build natively instead with --native`);
    this.name = 'NoEngineError';
  }
}

/** One verification of a built RPM that did not hold. */
export interface VerifyFailure {
  rpm: string;
  check: string;
  expected: string;
  found: string;
}

export class VerifyError extends UserError {
  constructor(readonly failures: readonly VerifyFailure[]) {
    const first = failures[0];
    super(`${failures.length} check(s) of the built RPMs failed${first ? `, first: ${first.check} of ${first.rpm}` : ''}; the RPMs are not the patched engine, do not ship them`);
    this.name = 'VerifyError';
  }
  override detailLines(): readonly string[] {
    return this.failures.map((f) => `${f.rpm}: ${f.check}: expected ${f.expected}, found ${f.found}`);
  }
}

export class NoRpmsError extends UserError {
  constructor(readonly dir: string) {
    super(`rpmbuild finished but left no .rpm under ${dir}; read the rpmbuild log next to it`);
    this.name = 'NoRpmsError';
  }
}

export class PackagingCloneError extends UserError {
  constructor(
    readonly url: string,
    readonly branch: string,
    readonly reason: string,
  ) {
    super(`could not clone ${url} at ${branch} (${reason}); offline, pass --packaging PATH of a local docker-ce-packaging checkout`);
    this.name = 'PackagingCloneError';
  }
}

/** rpmbuild (or the packaging make) failed: its last lines and where the whole log is. */
export class RpmBuildFailedError extends UserError {
  constructor(
    readonly what: string,
    readonly reason: string,
    readonly tail: readonly string[],
    readonly logPath: string,
  ) {
    super(`${what} ${reason}; the last ${tail.length} lines of its log follow, full log: ${logPath}`);
    this.name = 'RpmBuildFailedError';
  }
  override detailLines(): readonly string[] {
    return this.tail;
  }
}

export class NeedsRootError extends UserError {
  constructor(readonly uid: number) {
    super(`the native RPM build runs in a private mount namespace and needs root (uid is ${uid}); run it as root, or use --container`);
    this.name = 'NeedsRootError';
  }
}
