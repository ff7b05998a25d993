/**
 * The full strategy's planner, pure: each touched file's patched result is made from HEAD's blob of
 * it, which must be the very file the set was made from (its base sha256 in manifest.json, or the
 * patched one when the result is committed), proven against manifest.json, and written whole over
 * the tree together with the full/ files. Whatever the work tree held is replaced, so the tree ends
 * exactly as tested; local edits that get replaced are listed so the user knows what was lost. A
 * tree of another release, whose hooked files differ from the set's base, is refused: overlaying
 * files of one release on another builds neither.
 */
import { FullBaseMismatchError, ManifestMismatchError, PatchSetError } from './errors.ts';
import { sha256 } from '../digest.ts';
import { touchedPaths, type PatchSet } from './patch-set.ts';
import { fullContent, runPatches, type FileReader, type FileWrite, type Plan } from './plan.ts';

export type FullPlan = Plan & { replacedLocalEdits?: string[] };

/** The touched files whose HEAD blob is neither the set's base nor its result (absent counts). */
export function filesNotFromBase(set: PatchSet, headBlob: FileReader): string[] {
  return touchedPaths(set).filter((path) => {
    const blob = headBlob(path);
    const { base, patched } = set.manifest.files[path]!;
    return blob === undefined || (sha256(blob) !== base && sha256(blob) !== patched);
  });
}

/** The patched content of every touched file, from HEAD's blobs; throws when anything disagrees. */
export function patchedFromBase(set: PatchSet, headBlob: FileReader): Map<string, string> {
  const foreign = filesNotFromBase(set, headBlob);
  if (foreign.length) throw new FullBaseMismatchError(set.choice.kind === 'exact' ? 'HEAD' : set.choice.tag, set.base, foreign);
  const out = new Map<string, string>();
  for (const path of touchedPaths(set)) {
    const blob = headBlob(path)!;
    const promised = set.manifest.files[path]!;
    if (sha256(blob) === promised.patched) {
      out.set(path, blob); // HEAD has the result committed already
      continue;
    }
    const result = runPatches(set, path, blob);
    // The patches were exported from this very content: any failure means the manifest and patches disagree.
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

export function planFull(set: PatchSet, headBlob: FileReader, current: FileReader, fullRead: FileReader): FullPlan {
  const writes: FileWrite[] = [];
  const replacedLocalEdits: string[] = [];
  for (const [path, after] of patchedFromBase(set, headBlob)) {
    const before = current(path);
    if (before === after) continue;
    // A deleted touched file is a local edit too: the user should hear that it comes back.
    if (before !== headBlob(path)) replacedLocalEdits.push(path);
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
