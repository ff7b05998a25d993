/** What stops the matrix before it starts (exit 2), and what a tag can fail with beyond build-dockerd's own errors. */
import { UsageError, UserError } from '../errors.ts';

/** `--tags` that is neither a comma list nor `FROM..TO`. */
export class TagSpecError extends UsageError {
  constructor(
    readonly spec: string,
    readonly reason: string,
  ) {
    super(`--tags "${spec}": ${reason}; write a comma list (v28.5.2,docker-v29.7.2) or a range (v28.0.0..v28.5.2)`);
    this.name = 'TagSpecError';
  }
}

/** A pre-release (-rc, -beta) or a name that is not a version tag. */
export class NotFinalTagError extends UsageError {
  constructor(readonly tag: string) {
    super(`${tag} is not a final engine tag; the matrix takes vX.Y.Z or docker-vX.Y.Z tags only (no -rc, -beta)`);
    this.name = 'NotFinalTagError';
  }
}

export class UnknownTagError extends UsageError {
  constructor(
    readonly tags: readonly string[],
    readonly repo: string,
  ) {
    super(`${tags.join(', ')} ${tags.length === 1 ? 'is not a tag' : 'are not tags'} of ${repo}; list them with git -C ${repo} tag --list`);
    this.name = 'UnknownTagError';
  }
}

export class ReversedRangeError extends UsageError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`the range ${from}..${to} is reversed; write ${to}..${from}`);
    this.name = 'ReversedRangeError';
  }
}

export class EmptyRangeError extends UsageError {
  constructor(
    readonly from: string,
    readonly to: string,
    readonly repo: string,
  ) {
    super(`no final tag of ${repo} lies in ${from}..${to}; list them with git -C ${repo} tag --list`);
    this.name = 'EmptyRangeError';
  }
}

/** No --tags, and the repo holds no final tag of a line the project has a patch set for. */
export class NoTagsError extends UsageError {
  constructor(
    readonly lines: readonly string[],
    readonly repo: string,
  ) {
    super(
      `${repo} has no final tag of the supported lines (${lines.map((l) => `${l}.*`).join(', ') || 'none: patches/ is empty'}); ` +
        'give --repo a moby mirror with its tags (git clone --mirror https://github.com/moby/moby.git)',
    );
    this.name = 'NoTagsError';
  }
}

export class RepoNotFoundError extends UsageError {
  constructor(
    readonly path: string,
    readonly given: boolean,
  ) {
    super(
      given
        ? `--repo ${path} is not a git repository; give a moby mirror or clone that has the engine tags`
        : `no --repo given and no moby clone at ${path} (where build-dockerd caches one); give --repo a moby mirror, or run npm run build-dockerd first`,
    );
    this.name = 'RepoNotFoundError';
  }
}

export class JsonTargetError extends UsageError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`--json ${file}: ${reason}`);
    this.name = 'JsonTargetError';
  }
}

/** A non-empty patch set whose binary has no --extra-storage flag: the set did not make it in. */
export class ExtraStorageMissingError extends UserError {
  constructor(
    readonly binary: string,
    readonly reason: string,
  ) {
    super(`${binary}: ${reason}`);
    this.name = 'ExtraStorageMissingError';
  }
}

export class E2eFailedError extends UserError {
  constructor(
    readonly passed: number,
    readonly failed: number,
    readonly logDir: string,
  ) {
    super(failed > 0 ? `e2e: ${failed} of ${passed + failed} check(s) failed; logs in ${logDir}` : `e2e: no check passed; logs in ${logDir}`);
    this.name = 'E2eFailedError';
  }
}

/** The shared work tree could not be made from the mirror. */
export class WorkTreeError extends UserError {
  constructor(
    readonly repo: string,
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`cannot make the work tree ${dir} from ${repo}: ${reason}`);
    this.name = 'WorkTreeError';
  }
}

/** --work-dir already holds a work tree: a matrix stopped before it cleaned up, or someone else's. */
export class WorkTreeExistsError extends UsageError {
  constructor(readonly dir: string) {
    super(`${dir} already exists (left by a matrix that was killed?); remove it or choose another --work-dir`);
    this.name = 'WorkTreeExistsError';
  }
}
