/**
 * A patch set planned over a tree on disk: reads what the planners need (the tree's files, full/,
 * HEAD's blobs for the full strategy, HEAD's blobs when an earlier applied set is in the way) and
 * hands it to the pure planners. Writes nothing.
 */
import { assertNever } from '../errors.ts';
import { planOverPrior, type Planner, type TreePlan } from './change.ts';
import { planFull } from './full.ts';
import type { PatchSet } from './patch-set.ts';
import { planDiff } from './plan.ts';
import { blobReader, fullReader, headBlobReader, treeReader } from './readers.ts';
import { readAppliedRecord, type Strategy } from './record.ts';

export async function planTree(dir: string, set: PatchSet, strategy: Strategy, signal?: AbortSignal): Promise<TreePlan> {
  const planOn = await plannerFor(dir, set, strategy, signal);
  const read = treeReader(dir);
  const plan = planOn(read);
  // Only a conflict can be an earlier set in the way; a clean plan costs no git call.
  const record = plan.kind === 'conflict' ? await readAppliedRecord(dir) : undefined;
  const prior = record && { record, head: await blobReader(dir, 'HEAD', Object.keys(record.files), signal) };
  return planOverPrior(plan, planOn, read, prior);
}

async function plannerFor(dir: string, set: PatchSet, strategy: Strategy, signal?: AbortSignal): Promise<Planner> {
  const fullRead = fullReader(set);
  switch (strategy) {
    case 'diff':
      return (read) => planDiff(set, read, fullRead);
    case 'full': {
      const head = await headBlobReader(dir, set, signal);
      return (read) => planFull(set, head, read, fullRead);
    }
    default:
      return assertNever(strategy);
  }
}
