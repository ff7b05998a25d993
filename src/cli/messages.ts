/**
 * Every sentence build-dockerd shows, built from data: the plan and the one closing line (its usage
 * is made from the option spec in build-dockerd.ts). Pure, so the wording lives in one place and the
 * tests can read it.
 */
import type { TreePlan } from '../patchset/change.ts';
import { isEmptySet, type PatchSet } from '../patchset/patch-set.ts';
import { offsetsByFile, type FileWrite, type HunkOffset } from '../patchset/plan.ts';
import { assertNever } from '../errors.ts';

function hunksOf(set: PatchSet, path: string): number {
  return set.patches.flatMap((p) => p.files.filter((f) => f.path === path)).reduce((n, f) => n + f.hunks.length, 0);
}

/** One line per file: what happens to it and where its content comes from. */
function writeLine(set: PatchSet, w: FileWrite): string {
  if (w.after === undefined) return `  delete  ${w.path}  (created by the set taken back)`;
  const verb = w.before === undefined ? 'create' : 'modify';
  const what = w.source === 'take-back' ? 'back to HEAD' : w.source === 'full' ? 'new file from full/' : `patch, ${hunksOf(set, w.path)} hunk(s)`;
  return `  ${verb}  ${w.path}  (${what})`;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** "offsets: 2 of 9 hunk(s) applied where the lines moved: daemon/daemon.go +63 +65, …". */
export function offsetLine(set: PatchSet, offsets: readonly HunkOffset[]): string {
  const total = set.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0);
  const files = offsetsByFile(offsets).map((f) => `${f.file} ${f.offsets.map(signed).join(' ')}`);
  return `  offsets: ${offsets.length} of ${total} hunk(s) applied where the lines moved: ${files.join(', ')}`;
}

/** The plan as the user reads it: one line per file, then offsets and replaced local edits. */
export function formatPlan(set: PatchSet, plan: TreePlan, treeDir: string): string[] {
  const head = `plan for ${treeDir} (patch set ${set.base} release ${set.manifest.release}):`;
  if (isEmptySet(set)) return [head, `  the patch set ${set.base} is empty: nothing to apply`];
  switch (plan.kind) {
    case 'already-applied':
      return [head, '  already applied: every file already has the patched content, nothing to write'];
    case 'conflict':
      return [head, `  ${plan.failures.length} failing hunk(s): nothing will be written`];
    case 'apply': {
      const lines = [head];
      const prior = plan.takesBack;
      if (prior) lines.push(`  take back the ${prior.base} release ${prior.release} applied earlier (${prior.files} file(s) restored from HEAD), then:`);
      for (const w of plan.writes) lines.push(writeLine(set, w));
      if (plan.offsets.length) lines.push(offsetLine(set, plan.offsets));
      for (const p of plan.replacedLocalEdits ?? []) lines.push(`  warning: local edits to ${p} will be replaced (--strategy full)`);
      lines.push(`  ${plan.writes.length} file(s) to write`);
      return lines;
    }
    default:
      return assertNever(plan);
  }
}

export type Outcome =
  | { kind: 'dry-run'; treeDir: string; writes: number; label: string }
  | { kind: 'applied'; treeDir: string; writes: number; label: string }
  | { kind: 'built'; binaries: readonly string[]; version: string; logFile: string; snapshotter?: SnapshotterOutcome }
  | { kind: 'up-to-date'; binary: string; version: string; snapshotter?: SnapshotterOutcome };

/** extra-snapshotter, when this run built it (docker-v29 trees). */
export interface SnapshotterOutcome {
  binary: string;
  logFile: string;
}

const snapshotterNote = (built: SnapshotterOutcome | undefined) => (built ? `; extra-snapshotter: ${built.binary} (log: ${built.logFile})` : '');

/** The one line a run ends with: what happened and where the output is. */
export function closingLine(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'dry-run':
      return `dry run: ${outcome.writes} file(s) would be written to ${outcome.treeDir} by ${outcome.label}; nothing was changed`;
    case 'applied':
      return `${outcome.label} is in ${outcome.treeDir} (${outcome.writes} file(s) written); not built (--no-build)`;
    case 'built':
      return `built dockerd ${outcome.version}: ${outcome.binaries.join(', ')} (log: ${outcome.logFile})${snapshotterNote(outcome.snapshotter)}`;
    case 'up-to-date':
      return `dockerd ${outcome.version} is up to date: ${outcome.binary} (tree and patch set unchanged, build skipped)${snapshotterNote(outcome.snapshotter)}`;
    default:
      return assertNever(outcome);
  }
}
