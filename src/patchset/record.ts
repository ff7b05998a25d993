/**
 * `.dockerd-extra-applied.json` at the tree's root: which patch set a tree carries and what each file
 * it owns holds (sha256). Written last by the apply, so a tree that has the record has the whole set;
 * read to recognise a re-run and to take an earlier set back.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256, sortedJsonFile } from '../digest.ts';
import { orIfMissing } from '../errors.ts';
import { TreeFileError } from './errors.ts';
import type { PatchSet } from './patch-set.ts';
import type { Plan } from './plan.ts';

export const RECORD_FILE = '.dockerd-extra-applied.json';

/** diff: the patches applied, at offsets where lines moved; full: touched files rebuilt from HEAD's blobs of the set's base. */
export type Strategy = 'diff' | 'full';

export interface AppliedRecord {
  base: string;
  release: number;
  strategy: Strategy;
  /** Every file the patch set owns in the tree → sha256 of the content it has now. */
  files: Record<string, string>;
}

export function formatRecord(record: AppliedRecord): string {
  return sortedJsonFile({ base: record.base, release: record.release, strategy: record.strategy, files: record.files });
}

export async function readAppliedRecord(treeDir: string): Promise<AppliedRecord | undefined> {
  // No record: a tree this project has not patched (yet).
  const text = await readFile(join(treeDir, RECORD_FILE), 'utf8').catch(orIfMissing(undefined));
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text) as AppliedRecord;
    if (typeof data.base === 'string' && typeof data.release === 'number' && data.files && typeof data.files === 'object') return data;
  } catch {
    // fall through: reported below with the file's path
  }
  throw new TreeFileError(join(treeDir, RECORD_FILE), 'is not a valid record of an applied patch set', `delete it; git -C ${treeDir} status then lists what an earlier run changed: restore those files and run build-dockerd again`);
}

/** The record for a tree after `plan`: the manifest's promises, with the sha of what was written. */
export function appliedRecordFor(set: PatchSet, strategy: Strategy, plan: Extract<Plan, { kind: 'apply' }>): AppliedRecord {
  const files: Record<string, string> = { ...set.manifest.full };
  for (const [path, sums] of Object.entries(set.manifest.files)) files[path] = sums.patched;
  for (const write of plan.writes) if (write.source !== 'take-back' && write.after !== undefined) files[write.path] = sha256(write.after);
  return { base: set.base, release: set.manifest.release, strategy, files };
}
