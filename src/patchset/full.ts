/**
 * The full strategy's planner, pure: each touched file's patched result is made from its BASE BLOB
 * (what `git show <base>:<path>` holds), proven against manifest.json, and written whole over the
 * tree together with the full/ files. Whatever the tree held is replaced, so the tree ends exactly
 * as tested; local edits that get replaced are listed so the user knows what was lost.
 */
import { ManifestMismatchError, MissingBaseBlobError, PatchSetError } from './errors.ts';
import { sha256 } from '../digest.ts';
import { touchedPaths, type PatchSet } from './patch-set.ts';
import { fullContent, runPatches, type FileReader, type FileWrite, type Plan } from './plan.ts';

export type FullPlan = Plan & { replacedLocalEdits?: string[] };

/** The patched content of every touched file, from the base blobs; throws when anything disagrees. */
export function patchedFromBase(set: PatchSet, baseBlob: FileReader): Map<string, string> {
  const out = new Map<string, string>();
  for (const path of touchedPaths(set)) {
    const base = baseBlob(path);
    if (base === undefined) throw new MissingBaseBlobError(set.base, path);
    const promised = set.manifest.files[path]!;
    const baseSum = sha256(base);
    if (baseSum !== promised.base) throw new ManifestMismatchError(path, 'base', promised.base, baseSum);
    const result = runPatches(set, path, base);
    // The patches were exported from this very blob: any failure means the manifest and patches disagree.
    if (!result.ok) {
      const f = result.failures[0]!;
      throw new PatchSetError(f.patch, `hunk ${f.hunk} does not apply to ${set.base}:${path}, the blob it was exported from`);
    }
    const sum = sha256(result.after);
    if (sum !== promised.patched) throw new ManifestMismatchError(path, 'patched', promised.patched, sum);
    out.set(path, result.after);
  }
  return out;
}

export function planFull(set: PatchSet, baseBlob: FileReader, current: FileReader, fullRead: FileReader): FullPlan {
  const writes: FileWrite[] = [];
  const replacedLocalEdits: string[] = [];
  for (const [path, after] of patchedFromBase(set, baseBlob)) {
    const before = current(path);
    if (before === after) continue;
    // A deleted touched file is a local edit too: the user should hear that it comes back.
    if (before !== baseBlob(path)) replacedLocalEdits.push(path);
    writes.push({ path, before, after, source: 'patch' });
  }
  for (const path of set.fullFiles) {
    const after = fullContent(set, path, fullRead);
    const before = current(path);
    if (before === after) continue;
    if (before !== undefined) replacedLocalEdits.push(path);
    writes.push({ path, before, after, source: 'full', mode: set.fullModes[path] ?? 0o644 });
  }
  if (writes.length === 0) return { kind: 'already-applied' };
  return replacedLocalEdits.length
    ? { kind: 'apply', writes, offsets: [], replacedLocalEdits }
    : { kind: 'apply', writes, offsets: [] };
}
