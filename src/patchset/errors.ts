/**
 * Typed failures of the patch engine. Each carries the data the renderer needs (patch file, line,
 * moby path) and builds its one-line message from it; callers tell them apart by `code`.
 */
import { UserError } from '../errors.ts';
import type { HunkFailure } from './plan.ts';

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

/**
 * --strategy full on a tree whose hooked files are not the ones the set was made from (another
 * release of the line, or commits past the tag that changed them): refused, nothing written.
 */
export class FullBaseMismatchError extends UserError {
  override readonly exitCode = 2;
  constructor(
    /** The tree as the message names it: its tag, or "HEAD" when the set is the tag's own. */
    readonly tree: string,
    readonly base: string,
    /** The touched files whose HEAD blob differs from the set's base (or is absent). */
    readonly paths: readonly string[],
  ) {
    const others = paths.length > 1 ? ` (and ${paths.length - 1} other hooked file(s), listed below)` : '';
    super(`${tree}'s ${paths[0]}${others} is not the file the ${base} set was made from: use --strategy diff, which applies the patches where the lines moved`);
    this.name = 'FullBaseMismatchError';
  }
  override detailLines(): readonly string[] {
    return this.paths.length > 1 ? this.paths : [];
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

/** Hunks that do not apply to the tree: nothing was written. Every failing hunk is in the details. */
export class PatchConflictError extends UserError {
  constructor(
    readonly treeDir: string,
    readonly failures: readonly HunkFailure[],
  ) {
    const files = new Set(failures.map((f) => f.file)).size;
    super(`${failures.length} hunk(s) in ${files} file(s) do not apply to ${treeDir}; nothing was written (every failing hunk is listed below)`);
    this.name = 'PatchConflictError';
  }
  override detailLines(): readonly string[] {
    return conflictLines(this.failures);
  }
}

const REASONS: Record<HunkFailure['reason'], string> = {
  mismatch: 'context does not match',
  'missing-file': 'file is missing from the tree',
  'already-applied': 'already patched while other files are not (partly applied tree)',
  'full-file-differs': 'a different file already exists where full/ puts one',
};

/** Every failing hunk: where, why, and the lines expected against the lines found. */
function conflictLines(failures: readonly HunkFailure[]): string[] {
  const lines: string[] = [];
  for (const f of failures) {
    const offset = f.offsetTried ? `, tried offsets up to ±${Math.abs(f.offsetTried)}` : '';
    lines.push(`${f.file} ${f.hunk} (${f.patch}): ${REASONS[f.reason]}, at line ${f.line}${offset}`);
    if (f.expected.length || f.found.length) {
      lines.push('  expected:');
      for (const l of f.expected) lines.push(`    | ${l}`);
      lines.push('  found:');
      for (const l of f.found) lines.push(`    | ${l}`);
    }
  }
  return lines;
}
