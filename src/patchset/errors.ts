/**
 * Typed failures of the patch engine. Each carries the data the renderer needs (patch file, line,
 * moby path) and builds its one-line message from it; callers tell them apart by `code`.
 */
import { UserError } from '../errors.ts';

/** A patch file (or series/manifest) that cannot be read as what it claims to be. */
export class MalformedPatchError extends UserError {
  constructor(
    readonly patchFile: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${patchFile}:${line}: ${problem}; fix the patch or re-run export-patches`);
    this.name = 'MalformedPatchError';
  }
}

/** A patch that is well formed but does something the engine refuses (binary, new or deleted file). */
export class UnsupportedPatchError extends UserError {
  constructor(
    readonly patchFile: string,
    readonly line: number,
    readonly kind: 'binary' | 'new-file' | 'deleted-file' | 'rename' | 'mode-change',
    readonly hint: string,
  ) {
    super(`${patchFile}:${line}: ${kind} patches are not supported; ${hint}`);
    this.name = 'UnsupportedPatchError';
  }
}

export class UnsupportedBaseError extends UserError {
  constructor(
    readonly base: string,
    readonly supported: readonly string[],
  ) {
    super(
      `no patch set for ${base}; supported bases: ${supported.length ? supported.join(', ') : '(none)'}`,
    );
    this.name = 'UnsupportedBaseError';
  }
}

/** The patch set's own files disagree with each other (series, manifest, full/). */
export class PatchSetError extends UserError {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}; re-run export-patches to regenerate the patch set`);
    this.name = 'PatchSetError';
  }
}

/** Something in the moby tree is not what a checkout has there; the patch set is not at fault. */
export class TreeFileError extends UserError {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly advice: string,
  ) {
    super(`${file}: ${problem}; ${advice}`);
    this.name = 'TreeFileError';
  }
}

/** A file's content does not have the sha256 the manifest promises. */
export class ManifestMismatchError extends UserError {
  constructor(
    readonly path: string,
    readonly which: 'base' | 'patched' | 'full',
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `${path}: ${which} content has sha256 ${actual.slice(0, 12)}… but manifest.json expects ` +
        `${expected.slice(0, 12)}…; the checkout's ${which === 'base' ? 'base blob' : 'result'} ` +
        `is not what the patch set was exported from`,
    );
    this.name = 'ManifestMismatchError';
  }
}

/** The full strategy needs the base blob of a touched file and the checkout has none. */
export class MissingBaseBlobError extends UserError {
  constructor(
    readonly base: string,
    readonly path: string,
  ) {
    super(`${base}:${path} is not in the checkout's history; fetch the ${base} tag or use --strategy diff`);
    this.name = 'MissingBaseBlobError';
  }
}

/** A write failed (or was cancelled) and every file already written was put back. */
export class ApplyError extends UserError {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly rollbackFailures: readonly string[],
  ) {
    super(
      `could not write ${path} (${reason}); ` +
        (rollbackFailures.length
          ? `rollback failed for ${rollbackFailures.length} file(s), see details`
          : 'every file was restored, the tree is as before'),
    );
    this.name = 'ApplyError';
  }
  override detailLines(): readonly string[] {
    return this.rollbackFailures;
  }
}

/** The tree changed between planning and writing. */
export class StaleTreeError extends UserError {
  constructor(readonly path: string) {
    super(`${path} changed since the plan was made; nothing was written, run again`);
    this.name = 'StaleTreeError';
  }
}

/** export-patches refuses a branch it cannot express as hooks + new files. */
export class ExportRefusedError extends UserError {
  constructor(
    readonly paths: readonly string[],
    readonly reason: 'vendor' | 'deleted' | 'type-change' | 'binary' | 'mode-change' | 'missing-base' | 'empty',
    readonly hint: string,
  ) {
    super(`${paths.length ? paths.slice(0, 3).join(', ') + (paths.length > 3 ? ', …' : '') + ': ' : ''}${hint}`);
    this.name = 'ExportRefusedError';
  }
  override detailLines(): readonly string[] {
    return this.paths.length > 3 ? this.paths : [];
  }
}
