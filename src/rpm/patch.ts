/**
 * Adapter from the patch engine (src/patchset) to the staging step: the staged copy gets the patch
 * set with the diff strategy unless its applied record says it has it already. Returns what it did
 * and the patch-set release, which stamps the RPM release and `dockerd --version`.
 */
import { applyPlan } from '../patchset/apply.ts';
import { appliedRecordFor, readAppliedRecord } from '../patchset/record.ts';
import { loadPatchSet } from '../patchset/patch-set.ts';
import { planDiff } from '../patchset/plan.ts';
import { fullReader, treeReader } from '../patchset/readers.ts';
import { assertNever } from '../errors.ts';
import { PatchConflictError } from './errors.ts';

export interface PatchOutcome {
  note: string;
  release: number;
  /** An empty patch set (no patches, no new files): the binary has nothing of ours to check for. */
  empty: boolean;
}

export async function applyPatchSet(projectRoot: string, base: string, treeDir: string, signal?: AbortSignal): Promise<PatchOutcome> {
  const record = await readAppliedRecord(treeDir);
  if (record) {
    const empty = Object.keys(record.files).length === 0;
    return { note: `patch set ${record.base} release ${record.release} was already applied`, release: record.release, empty };
  }
  const set = await loadPatchSet(projectRoot, base);
  const empty = set.patches.length === 0 && set.fullFiles.length === 0;
  const plan = planDiff(set, treeReader(treeDir), fullReader(set));
  switch (plan.kind) {
    case 'already-applied':
      return { note: `patch set ${base} already in the tree`, release: set.manifest.release, empty };
    case 'conflict':
      throw new PatchConflictError(base, plan.failures);
    case 'apply':
      await applyPlan(treeDir, plan, appliedRecordFor(set, 'diff', plan), signal);
      return { note: `applied patch set ${base} release ${set.manifest.release} (${plan.writes.length} files)`, release: set.manifest.release, empty };
    default:
      return assertNever(plan);
  }
}
