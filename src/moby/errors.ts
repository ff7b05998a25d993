/**
 * What can be wrong with the moby tree a user points us at. Each error carries the data it speaks
 * about; the message says what is wrong and what to do, in one line.
 */
import { UserError } from '../errors.ts';

export class MobyPathMissingError extends UserError {
  override readonly exitCode = 2;
  constructor(readonly path: string) {
    super(`--moby ${path} does not exist; pass the path of a moby checkout or mirror, or a git URL`);
    this.name = 'MobyPathMissingError';
  }
}

export class NotGitError extends UserError {
  override readonly exitCode = 2;
  constructor(readonly path: string) {
    super(`${path} is not a git checkout; pass --moby the path of a moby git checkout or mirror`);
    this.name = 'NotGitError';
  }
}

export class NotMobyTreeError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly path: string,
    readonly missing: readonly string[],
  ) {
    super(`${path} is not a moby tree (missing ${missing.join(', ')}); pass --moby a checkout of github.com/moby/moby`);
    this.name = 'NotMobyTreeError';
  }
}

export class DirtyTreeError extends UserError {
  constructor(
    readonly path: string,
    readonly files: readonly string[],
  ) {
    super(`${path} has ${files.length} uncommitted change(s); commit or stash them, or pass --force to build them in`);
    this.name = 'DirtyTreeError';
  }
  override detailLines(): readonly string[] {
    return this.files;
  }
}

export class RefMismatchError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly path: string,
    readonly ref: string,
  ) {
    super(`${path} is not checked out at --ref ${ref}; check that ref out yourself, or drop --ref to use the tree as it is`);
    this.name = 'RefMismatchError';
  }
}

export class CloneFailedError extends UserError {
  constructor(
    readonly url: string,
    readonly ref: string,
    readonly reason: string,
    /** git's output before its last line. */
    readonly gitLines: readonly string[] = [],
  ) {
    super(`could not clone ${url} at ${ref} (${reason}); offline, pass --moby PATH of a local moby checkout or mirror`);
    this.name = 'CloneFailedError';
  }

  override detailLines(): readonly string[] {
    return this.gitLines.map((line) => `git: ${line}`);
  }
}

export class UnknownVersionError extends UserError {
  override readonly exitCode = 2;
  constructor(readonly path: string) {
    super(`cannot tell the engine version of ${path}: no tag in its history; fetch the tags (git fetch --tags) and retry`);
    this.name = 'UnknownVersionError';
  }
}

export class UnsupportedVersionError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly found: string,
    readonly supported: readonly string[],
  ) {
    const list = supported.length ? supported.join(', ') : 'none (patches/ is empty)';
    super(`moby ${found} has no patch set; supported versions: ${list}; check out one of them`);
    this.name = 'UnsupportedVersionError';
  }
}

export class MissingBaseTagError extends UserError {
  constructor(
    readonly path: string,
    readonly base: string,
  ) {
    super(`tag ${base} is not in the history of ${path} (needed by --strategy full); fetch it (git fetch origin tag ${base}) or use --strategy diff`);
    this.name = 'MissingBaseTagError';
  }
}
