/**
 * What can be wrong with the moby tree a user points us at. Each error carries the data it speaks
 * about; the message says what is wrong and what to do, in one line.
 */
import { assertNever, UserError } from '../errors.ts';
import { supportedSummary, type RefusalReason } from './lines.ts';

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
  constructor(
    readonly path: string,
    /** The bases under patches/, for the list the message ends with. */
    readonly supported: readonly string[],
  ) {
    super(`cannot tell the engine version of ${path}: no engine tag (vNN.x.y, docker-vNN.x.y) in the history of its HEAD; supported: ${supportedSummary(supported)}; fetch the tags (git fetch --tags) or check out a release tag`);
    this.name = 'UnknownVersionError';
  }
}

/** HEAD is past one engine tag and part of a later one: a commit of a release in the making. */
export class BetweenTagsError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly path: string,
    readonly after: string,
    readonly ahead: number,
    readonly before: string,
  ) {
    super(`${path} is ${ahead} commit(s) past ${after} and part of ${before}, between two releases: check out a release tag (git -C ${path} checkout ${before})`);
    this.name = 'BetweenTagsError';
  }
}

/** Why a tree gets no patch set: the choice's refusal, or a project with no set at all. */
export type UnsupportedReason = RefusalReason | 'no-sets';

export class UnsupportedVersionError extends UserError {
  override readonly exitCode = 2;
  constructor(
    /** The tree's tag. */
    readonly found: string,
    /** The bases under patches/. */
    readonly supported: readonly string[],
    readonly reason: UnsupportedReason,
    /** The tag's engine line, when it has one. */
    readonly line?: number,
  ) {
    super(unsupportedMessage(found, supported, reason, line));
    this.name = 'UnsupportedVersionError';
  }
}

function unsupportedMessage(found: string, supported: readonly string[], reason: UnsupportedReason, line?: number): string {
  const list = `supported: ${supportedSummary(supported)}`;
  switch (reason) {
    case 'not-an-engine-tag':
      return `moby's tag ${found} is not an engine release tag (vNN.x.y or docker-vNN.x.y); ${list}; check out a release tag of one of those lines`;
    case 'no-set-for-line':
      return `moby ${found} is engine line v${line}, which has no patch set; ${list}; check out a release tag of one of those lines`;
    case 'pre-release':
      return `moby ${found} is a pre-release, which gets no patch set; ${list}; check out a release tag`;
    case 'no-sets':
      return 'the project has no patch set (patches/ is empty); restore patches/ (git checkout -- patches) and run again';
    default:
      return assertNever(reason);
  }
}
