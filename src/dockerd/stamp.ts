/**
 * `<out>/build-stamp.json`: what the binaries in --out were built from. When the tree's HEAD, the
 * applied record, the content of every changed file and the stamped version are all unchanged, and
 * the binaries are still the ones we wrote, the Go build (minutes) is skipped.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, sortedJson, sortedJsonFile } from '../digest.ts';
import { orIfMissing } from '../errors.ts';

export const STAMP_FILE = 'build-stamp.json';

export interface BuildInputs {
  head: string;
  version: string;
  gitCommit: string;
  /** The tree's applied record as read, or null when nothing was applied. */
  applied: unknown;
  /** sha256 of each changed file in the tree ("deleted" when gone), applied ones included. */
  changes: Record<string, string>;
}

export interface BuildStamp extends BuildInputs {
  /** sha256 of each binary written to --out, by file name. */
  binaries: Record<string, string>;
  /** Size and mtime of each binary when hashed: unchanged ones are not hashed again (88 MB, ~0.5 s). */
  binaryStats?: Record<string, FileStat>;
  /** sha256 of the extra-snapshotter built with them; Go's build cache, not the stamp, skips its build. */
  snapshotter?: string;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
}

export async function hashChanges(treeDir: string, changed: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of [...changed].sort()) {
    const full = join(treeDir, path);
    out[path] = existsSync(full) ? await sha256File(full) : 'deleted';
  }
  return out;
}

/** Pure: the stamp matches these inputs and these binaries. */
export function isUpToDate(stamp: BuildStamp | undefined, inputs: BuildInputs, binaries: Record<string, string>): boolean {
  if (!stamp || !stamp.binaries.dockerd) return false;
  const { binaries: recorded, binaryStats: _stats, snapshotter: _snapshotter, ...recordedInputs } = stamp;
  return sortedJson(recordedInputs) === sortedJson(inputs) && sortedJson(recorded) === sortedJson(binaries);
}

export async function readStamp(outDir: string): Promise<BuildStamp | undefined> {
  try {
    const value = JSON.parse(await readFile(join(outDir, STAMP_FILE), 'utf8')) as BuildStamp;
    return value && typeof value === 'object' && value.binaries ? value : undefined;
  } catch {
    return undefined; // absent or unreadable: build again
  }
}

/**
 * sha256 of the binaries present in outDir, by name, and their stats. A binary whose size and mtime
 * equal what `previous` recorded keeps its recorded sha (the same trust make and git's index place
 * in stat data), so a no-op re-run does not read 88 MB.
 */
export async function hashBinaries(
  outDir: string,
  names: readonly string[],
  previous?: BuildStamp,
): Promise<{ binaries: Record<string, string>; binaryStats: Record<string, FileStat> }> {
  const binaries: Record<string, string> = {};
  const binaryStats: Record<string, FileStat> = {};
  for (const name of names) {
    const path = join(outDir, name);
    const st = await stat(path).catch(orIfMissing(undefined)); // not built yet
    if (!st) continue;
    const now = { size: st.size, mtimeMs: st.mtimeMs };
    const known = previous?.binaryStats?.[name];
    const same = known && known.size === now.size && known.mtimeMs === now.mtimeMs && previous.binaries[name];
    binaries[name] = same ? previous.binaries[name]! : await sha256File(path);
    binaryStats[name] = now;
  }
  return { binaries, binaryStats };
}

export async function writeStamp(outDir: string, stamp: BuildStamp): Promise<void> {
  const path = join(outDir, STAMP_FILE);
  await writeFile(`${path}.tmp`, sortedJsonFile(stamp));
  await rename(`${path}.tmp`, path);
}

/** Adds the built snapshotter's sha256 to the stamp dockerd's build left (none: nothing to add to). */
export async function recordSnapshotter(outDir: string, binary: string): Promise<void> {
  const stamp = await readStamp(outDir);
  if (stamp) await writeStamp(outDir, { ...stamp, snapshotter: await sha256File(binary) });
}
