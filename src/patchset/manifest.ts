/**
 * manifest.json: what the patch set promises about every file it touches, as sha256 of the base
 * content and of the patched result, and of every whole file under full/. Written with sorted keys
 * and a final newline so that an export of the same branch is byte-identical.
 */
import { sortedJsonFile } from '../digest.ts';
import { PatchSetError } from './errors.ts';

export interface Manifest {
  /** moby tag the patch set was exported against, e.g. "v28.5.2". */
  base: string;
  /** Patch-set release: stamps VERSION 28.5.2-extra.<release>. */
  release: number;
  /** moby path → sha256 hex of the base content and of the patched content. */
  files: Record<string, { base: string; patched: string }>;
  /** moby path of every new file under full/<base>/ → sha256 hex (a carried file's sum is its own set's). */
  full: Record<string, string>;
  /**
   * The set (or sets) whose own full/ files this one carries to its own line (src/patchset/lines.ts),
   * e.g. "v28.5.2" for docker-v29.7.2; full/<base>/ then holds only the files that differ on purpose.
   * An older release of a line also carries the newest set's files of that line (those no v28 set
   * has): ["v28.5.2", "docker-v29.7.2"].
   */
  carriedFrom?: string | string[];
}

/** The sets a manifest carries from, in order (none when it carries nothing). */
export function carrySources(manifest: Pick<Manifest, 'carriedFrom'>): string[] {
  return manifest.carriedFrom === undefined ? [] : [manifest.carriedFrom].flat();
}

const HEX64 = /^[0-9a-f]{64}$/;

export function parseManifest(text: string, file: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PatchSetError(file, `not valid JSON (${(error as Error).message})`);
  }
  const bad = (what: string): never => {
    throw new PatchSetError(file, what);
  };
  if (!isRecord(data)) return bad('expected a JSON object');
  const { base, release, files, full, carriedFrom } = data;
  if (typeof base !== 'string' || !base) bad('"base" must be the moby tag, e.g. "v28.5.2"');
  if (typeof release !== 'number' || !Number.isInteger(release) || release < 1) bad('"release" must be a positive integer');
  if (!isRecord(files)) return bad('"files" must be an object of path → {base, patched}');
  if (!isRecord(full)) return bad('"full" must be an object of path → sha256');
  const sources = carriedFrom === undefined ? [] : Array.isArray(carriedFrom) ? carriedFrom : [carriedFrom];
  if (carriedFrom !== undefined && (sources.length === 0 || sources.some((f) => typeof f !== 'string' || !f || f === base) || new Set(sources).size !== sources.length)) {
    bad('"carriedFrom" must name another patch set, e.g. "v28.5.2", or a list of distinct ones');
  }
  for (const [path, entry] of Object.entries(files)) {
    if (!isRecord(entry) || !HEX64.test(String(entry.base)) || !HEX64.test(String(entry.patched))) {
      bad(`"files"["${path}"] must be {"base": sha256, "patched": sha256}`);
    }
  }
  for (const [path, sum] of Object.entries(full)) {
    if (!HEX64.test(String(sum))) bad(`"full"["${path}"] must be a sha256 hex string`);
  }
  return data as unknown as Manifest;
}

/** Stable text: keys sorted at every level, two-space indent, final newline. */
export function formatManifest(manifest: Manifest): string {
  return sortedJsonFile(manifest);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
