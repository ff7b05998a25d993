/**
 * The diff strategy's planner, pure: a patch set and the tree's current contents in, a Plan out.
 * Every hunk of every patch is dry-run on in-memory text before anything is written, all failures
 * are collected, and a tree that already carries the patch set is recognised so a re-run is a no-op.
 */
import { ManifestMismatchError, PatchSetError } from './errors.ts';
import { applyHunk, joinText, startState } from './hunks.ts';
import { sha256 } from '../digest.ts';
import { touchedPaths, type PatchSet } from './patch-set.ts';

/** Content of a moby path (or a full/ path); undefined when the file is absent. */
export type FileReader = (path: string) => string | undefined;

export type Plan =
  /** `offsets`: every hunk that applied at an offset (diff strategy; always empty for full). */
  | { kind: 'apply'; writes: FileWrite[]; offsets: HunkOffset[] }
  | { kind: 'already-applied' }
  | { kind: 'conflict'; failures: HunkFailure[]; partlyApplied?: string[] };

export interface FileWrite {
  path: string;
  /** undefined: the file is created. */
  before: string | undefined;
  /** undefined: the file is deleted (a file an earlier set created, taken out with that set). */
  after: string | undefined;
  /** take-back: the file goes back to HEAD's content with an earlier applied set. */
  source: 'patch' | 'full' | 'take-back';
  /** Permission bits for a created file (default 0644); existing files keep theirs. */
  mode?: number;
}

/**
 * A hunk that applied away from the line its header names (context found at a shifted line), as
 * GNU patch counts it: after the lines earlier hunks of the file added. Hunks at offset 0 are not
 * listed, so an empty list means every hunk applied where its header says.
 */
export interface HunkOffset {
  patch: string;
  /** The moby path patched. */
  file: string;
  /** The hunk's header, "@@ -4,4 +4,5 @@". */
  hunk: string;
  /** Lines the hunk moved: + further down the file, - further up. */
  offset: number;
}

/** The offsets grouped by file, in the order the plan met them: for a one-line summary. */
export function offsetsByFile(offsets: readonly HunkOffset[]): { file: string; offsets: number[] }[] {
  const byFile = new Map<string, number[]>();
  for (const o of offsets) byFile.set(o.file, [...(byFile.get(o.file) ?? []), o.offset]);
  return [...byFile].map(([file, list]) => ({ file, offsets: list }));
}

export type FailureReason = 'mismatch' | 'missing-file' | 'already-applied' | 'full-file-differs';

export interface HunkFailure {
  patch: string;
  file: string;
  /** "@@ -1,3 +1,4 @@"; for a full/ file, "(whole file)". */
  hunk: string;
  expected: string[];
  found: string[];
  offsetTried: number;
  /** 1-based line of the tree file where `found` starts. */
  line: number;
  reason: FailureReason;
}

type Outcome = { ok: true; after: string; offsets: HunkOffset[] } | { ok: false; failures: HunkFailure[] };

/** Apply, in series order, every patch's hunks for `path` to `content` (or reverse them all). */
export function runPatches(set: Pick<PatchSet, 'patches'>, path: string, content: string, reverse = false): Outcome {
  const failures: HunkFailure[] = [];
  const offsets: HunkOffset[] = [];
  const state = startState(content);
  const patches = reverse ? [...set.patches].reverse() : set.patches;
  for (const patch of patches) {
    for (const file of patch.files.filter((f) => f.path === path)) {
      state.delta = 0;
      state.lastOffset = 0;
      state.floor = 0;
      for (const hunk of file.hunks) {
        const r = applyHunk(state, hunk, reverse);
        if (!r.ok) {
          const { offsetTried, line, expected, found } = r;
          failures.push({ patch: patch.name, file: path, hunk: hunk.header, expected, found, offsetTried, line, reason: 'mismatch' });
        } else if (r.offset !== 0) {
          offsets.push({ patch: patch.name, file: path, hunk: hunk.header, offset: r.offset });
        }
      }
    }
  }
  return failures.length ? { ok: false, failures } : { ok: true, after: joinText(state.text), offsets };
}

export function planDiff(set: PatchSet, read: FileReader, fullRead: FileReader): Plan {
  const writes: FileWrite[] = [];
  const offsets: HunkOffset[] = [];
  const failures: HunkFailure[] = [];
  const applied: { path: string; forward: HunkFailure[] }[] = [];
  let clean = 0;
  for (const path of touchedPaths(set)) {
    const current = read(path);
    if (current === undefined) {
      failures.push(missingFile(set, path));
      continue;
    }
    const promised = set.manifest.files[path]!;
    const forward = runPatches(set, path, current);
    if (sha256(current) === promised.patched) {
      applied.push({ path, forward: forward.ok ? [] : forward.failures });
    } else if (forward.ok) {
      if (sha256(current) === promised.base && sha256(forward.after) !== promised.patched) {
        throw new ManifestMismatchError(path, 'patched', promised.patched, sha256(forward.after));
      }
      clean++;
      writes.push({ path, before: current, after: forward.after, source: 'patch' });
      offsets.push(...forward.offsets);
    } else if (runPatches(set, path, current, true).ok) {
      applied.push({ path, forward: forward.failures });
    } else {
      failures.push(...forward.failures);
    }
  }
  const full = planFullFiles(set, read, fullRead);
  failures.push(...full.failures);
  if (failures.length) {
    return applied.length ? { kind: 'conflict', failures, partlyApplied: applied.map((a) => a.path) } : { kind: 'conflict', failures };
  }
  if (clean === 0 && full.writes.length === 0) return { kind: 'already-applied' };
  if (applied.length === 0) return { kind: 'apply', writes: [...writes, ...full.writes], offsets };
  return partlyApplied(set, applied);
}

/** Writes for the full/ files that are absent; a present file with other content is a conflict. */
export function planFullFiles(set: PatchSet, read: FileReader, fullRead: FileReader): { writes: FileWrite[]; failures: HunkFailure[] } {
  const writes: FileWrite[] = [];
  const failures: HunkFailure[] = [];
  for (const path of set.fullFiles) {
    const after = fullContent(set, path, fullRead);
    const current = read(path);
    if (current === after) continue;
    if (current === undefined) {
      writes.push({ path, before: undefined, after, source: 'full', mode: set.fullModes[path] ?? 0o644 });
    } else {
      failures.push({ patch: `full/${set.base}/${path}`, file: path, hunk: '(whole file)', expected: [], found: [], offsetTried: 0, line: 1, reason: 'full-file-differs' });
    }
  }
  return { writes, failures };
}

/** A full/ file's content, checked against the manifest. */
export function fullContent(set: PatchSet, path: string, fullRead: FileReader): string {
  const content = fullRead(path);
  if (content === undefined) {
    throw new PatchSetError(`full/${set.base}/${path}`, 'is listed but cannot be read');
  }
  const sum = sha256(content);
  if (sum !== set.manifest.full[path]) throw new ManifestMismatchError(path, 'full', set.manifest.full[path]!, sum);
  return content;
}

function missingFile(set: PatchSet, path: string): HunkFailure {
  const patch = set.patches.find((p) => p.files.some((f) => f.path === path))!;
  const hunk = patch.files.find((f) => f.path === path)!.hunks[0]!;
  return { patch: patch.name, file: path, hunk: hunk.header, expected: [], found: [], offsetTried: 0, line: 1, reason: 'missing-file' };
}

/** Some touched files carry the patches and others do not: report the patched ones, write nothing. */
function partlyApplied(set: PatchSet, applied: { path: string; forward: HunkFailure[] }[]): Plan {
  const failures = applied.map(({ path, forward }): HunkFailure => {
    const first = forward[0] ?? missingFile(set, path);
    return { ...first, reason: 'already-applied' };
  });
  return { kind: 'conflict', failures, partlyApplied: applied.map((a) => a.path) };
}
