/**
 * Adapter from the patch engine (src/patchset) to the staging step: the staged copy gets the patch
 * set with the diff strategy unless its applied record says it has it already. Returns what it did
 * and the patch-set release, which stamps the RPM release and `dockerd --version`.
 */
import { assertNever } from '../errors.ts';
import { applyPlan } from '../patchset/apply.ts';
import { PatchConflictError } from '../patchset/errors.ts';
import { isEmptySet, loadPatchSet } from '../patchset/patch-set.ts';
import { planTree } from '../patchset/plan-tree.ts';
import { appliedRecordFor, readAppliedRecord } from '../patchset/record.ts';

export interface PatchOutcome {
  note: string;
  release: number;
  /** An empty patch set (no patches, no new files): the binary has nothing of ours to check for. */
  empty: boolean;
}

/** `tag` is the engine's: the set is the one build-dockerd picks for it, refused alike when there is none. */
export async function applyPatchSet(projectRoot: string, tag: string, treeDir: string, signal?: AbortSignal): Promise<PatchOutcome> {
  const record = await readAppliedRecord(treeDir);
  if (record) {
    const empty = Object.keys(record.files).length === 0;
    return { note: `patch set ${record.base} release ${record.release} was already applied`, release: record.release, empty };
  }
  const set = await loadPatchSet(projectRoot, tag);
  const { base, manifest } = set;
  const plan = await planTree(treeDir, set, 'diff', signal);
  switch (plan.kind) {
    case 'already-applied':
      return { note: `patch set ${base} already in the tree`, release: manifest.release, empty: isEmptySet(set) };
    case 'conflict':
      throw new PatchConflictError(treeDir, plan.failures);
    case 'apply':
      // The staged copy is committed next and never built in place: the change is kept at once.
      (await applyPlan(treeDir, plan, appliedRecordFor(set, 'diff', plan), signal)).commit();
      return { note: `applied patch set ${base} release ${manifest.release} (${plan.writes.length} files${movedNote(plan.offsets.length)})`, release: manifest.release, empty: isEmptySet(set) };
    default:
      return assertNever(plan);
  }
}

/** A set applied to another release of its line usually lands some hunks where the lines moved. */
function movedNote(moved: number): string {
  return moved ? `, ${moved} hunk(s) at an offset` : '';
}
