/**
 * Every sentence build-dockerd shows, built from data: the plan, the conflict report and the one
 * closing line. Pure, so the wording lives in one place and the tests can read it.
 */
import type { FullPlan } from '../patchset/full.ts';
import type { HunkFailure } from '../patchset/plan.ts';
import type { PatchSet } from '../patchset/patch-set.ts';
import { assertNever } from '../errors.ts';

export function isEmptySet(set: PatchSet): boolean {
  return set.patches.length === 0 && set.fullFiles.length === 0;
}

function hunksOf(set: PatchSet, path: string): number {
  return set.patches.flatMap((p) => p.files.filter((f) => f.path === path)).reduce((n, f) => n + f.hunks.length, 0);
}

/** The plan as the user reads it: one line per file, then offsets and replaced local edits. */
export function formatPlan(set: PatchSet, plan: FullPlan, treeDir: string, prior?: { base: string; release: number; files: number }): string[] {
  const head = `plan for ${treeDir} (patch set ${set.base} release ${set.manifest.release}):`;
  if (isEmptySet(set)) return [head, `  the patch set ${set.base} is empty: nothing to apply`];
  switch (plan.kind) {
    case 'already-applied':
      return [head, '  already applied: every file already has the patched content, nothing to write'];
    case 'conflict':
      return [head, `  ${plan.failures.length} failing hunk(s): nothing will be written`];
    case 'apply': {
      const lines = [head];
      if (prior) lines.push(`  take back the ${prior.base} release ${prior.release} applied earlier (${prior.files} file(s) restored from HEAD), then:`);
      for (const w of plan.writes) {
        const what = w.source === 'full' ? 'new file from full/' : `patch, ${hunksOf(set, w.path)} hunk(s)`;
        lines.push(`  ${w.before === undefined ? 'create' : 'modify'}  ${w.path}  (${what})`);
      }
      for (const o of plan.warnings) lines.push(`  warning: ${o.patch}: ${o.file} ${o.hunk} applies at offset ${o.offset > 0 ? '+' : ''}${o.offset}`);
      for (const p of plan.replacedLocalEdits ?? []) lines.push(`  warning: local edits to ${p} will be replaced (--strategy full)`);
      lines.push(`  ${plan.writes.length} file(s) to write`);
      return lines;
    }
    default:
      return assertNever(plan);
  }
}

const REASONS: Record<HunkFailure['reason'], string> = {
  mismatch: 'context does not match',
  'missing-file': 'file is missing from the tree',
  'already-applied': 'already patched while other files are not (partly applied tree)',
  'full-file-differs': 'a different file already exists where full/ puts one',
};

/** Every failing hunk: where, why, and the lines expected against the lines found. */
export function formatConflict(failures: readonly HunkFailure[]): string[] {
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

export type Outcome =
  | { kind: 'dry-run'; treeDir: string; writes: number; label: string }
  | { kind: 'applied'; treeDir: string; writes: number; label: string }
  | { kind: 'built'; binaries: readonly string[]; version: string; logFile: string }
  | { kind: 'up-to-date'; binary: string; version: string };

/** The one line a run ends with: what happened and where the output is. */
export function closingLine(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'dry-run':
      return `dry run: ${outcome.writes} file(s) would be written to ${outcome.treeDir} by ${outcome.label}; nothing was changed`;
    case 'applied':
      return `${outcome.label} is in ${outcome.treeDir} (${outcome.writes} file(s) written); not built (--no-build)`;
    case 'built':
      return `built dockerd ${outcome.version}: ${outcome.binaries.join(', ')} (log: ${outcome.logFile})`;
    case 'up-to-date':
      return `dockerd ${outcome.version} is up to date: ${outcome.binary} (tree and patch set unchanged, build skipped)`;
    default:
      return assertNever(outcome);
  }
}
