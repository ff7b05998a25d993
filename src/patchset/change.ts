/**
 * From the tree as it is on disk to the target state, as one plan. Usually that is the set's own
 * plan. When it conflicts only because the tree carries an earlier applied set (an older release, a
 * set under development) whose files all still hold what it wrote, the earlier set is taken out
 * (each of its files back to HEAD's content, deleted where HEAD has none) and the new one put in,
 * in the same plan, so one journal applies it and one rollback undoes it. Pure: readers in, plan out.
 */
import { sha256 } from '../digest.ts';
import type { FullPlan } from './full.ts';
import type { FileReader, FileWrite } from './plan.ts';
import { RECORD_FILE, type AppliedRecord } from './record.ts';

/** An earlier applied set: its record, and HEAD's content of each file it owns. */
export interface PriorSet {
  record: AppliedRecord;
  head: FileReader;
}

/** What a plan takes out before putting the new set in, as the plan shows it. */
export interface TakeBack {
  base: string;
  release: number;
  files: number;
}

export type TreePlan = FullPlan & { takesBack?: TakeBack };

/** The set planned over some view of the tree (diff or full strategy, its inputs already read). */
export type Planner = (read: FileReader) => FullPlan;

/** `plan` is planOn(read); when it conflicts and `prior` can be taken out, the plan that does both. */
export function planOverPrior(plan: FullPlan, planOn: Planner, read: FileReader, prior: PriorSet | undefined): TreePlan {
  if (plan.kind !== 'conflict' || !prior) return plan;
  const owned = Object.entries(prior.record.files);
  // A file changed since the earlier set wrote it is the user's: that set is not ours to take out.
  const asWritten = ([path, sum]: [string, string]) => {
    const now = read(path);
    return now !== undefined && sha256(now) === sum;
  };
  if (!owned.every(asWritten)) return plan;
  const base: FileReader = (path) => (path === RECORD_FILE ? undefined : path in prior.record.files ? prior.head(path) : read(path));
  const onBase = planOn(base);
  if (onBase.kind === 'conflict') return plan;
  const writes = new Map<string, FileWrite>();
  for (const [path] of owned) {
    const [before, after] = [read(path), prior.head(path)];
    if (before !== after) writes.set(path, { path, before, after, source: 'take-back' });
  }
  for (const write of onBase.kind === 'apply' ? onBase.writes : []) writes.set(write.path, { ...write, before: read(write.path) });
  const takesBack = { base: prior.record.base, release: prior.record.release, files: owned.length };
  const edits = onBase.kind === 'apply' && onBase.replacedLocalEdits ? { replacedLocalEdits: onBase.replacedLocalEdits } : {};
  return { kind: 'apply', writes: [...writes.values()], offsets: onBase.kind === 'apply' ? onBase.offsets : [], takesBack, ...edits };
}
