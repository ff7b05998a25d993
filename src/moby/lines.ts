/**
 * Engine tags, engine lines and the patch set a tag gets, purely. moby tags its engine releases
 * `v28.5.2` up to v28 and `docker-v29.7.2` from v29 on (next to Go module tags such as
 * `v2.0.0-beta.13`, `api/v1.52.0` and `client/v0.1.0` on the same commits); an engine LINE is the
 * major version. A set is made at the last release it serves, so a tag with no set of its own gets
 * the first set of its line at or above it (v28.0.1 → v28.1.1, v28.3.0 → v28.5.2), and a tag newer
 * than every set the newest (a later patch release most resembles it). Sets never cross lines.
 */
export interface EngineTag {
  tag: string;
  /** The major version: 28, 29. */
  line: number;
  minor: number;
  patch: number;
  /** "docker-" for the v29 style, "" for the v28 one. */
  prefix: string;
  /** "rc.1", "beta.2": what follows x.y.z; undefined for a release. */
  preRelease?: string;
}

const ENGINE_TAG = /^(docker-)?v(\d+)\.(\d+)\.(\d+)(?:-(.+))?$/;

/**
 * What `git describe --match` looks for: engine tags of both styles, two-digit majors only, so that
 * moby's Go module tags (v2.0.0-beta.N on every docker-v29 release commit) are never taken for one.
 */
export const ENGINE_TAG_GLOBS = ['v[0-9][0-9].*', 'docker-v[0-9][0-9].*'] as const;

export function parseEngineTag(tag: string): EngineTag | undefined {
  const m = ENGINE_TAG.exec(tag);
  if (!m) return undefined;
  const parsed: EngineTag = { tag, prefix: m[1] ?? '', line: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]) };
  return m[5] === undefined ? parsed : { ...parsed, preRelease: m[5] };
}

/** Within a line: minor, then patch. */
function compareInLine(a: EngineTag, b: EngineTag): number {
  return a.minor - b.minor || a.patch - b.patch;
}

export type SetChoice =
  /** The tag is a base (either tag style). */
  | { kind: 'exact'; tag: string; line: number; base: string }
  /** The nearest set of the tag's line; `relation` says whether its base is older or newer than the tag. */
  | { kind: 'nearest'; tag: string; line: number; base: string; relation: 'older' | 'newer' }
  | { kind: 'refused'; tag: string; reason: RefusalReason; line?: number };

export type RefusalReason = 'not-an-engine-tag' | 'no-set-for-line' | 'pre-release';

export type ChosenSet = Exclude<SetChoice, { kind: 'refused' }>;

/** The set a tree at `tag` gets from `bases` (the folders under patches/), or why it gets none. */
export function chooseSet(tag: string, bases: readonly string[]): SetChoice {
  const t = parseEngineTag(tag);
  if (!t) return { kind: 'refused', tag, reason: 'not-an-engine-tag' };
  const sets = releaseBases(bases).filter((b) => b.line === t.line);
  if (sets.length === 0) return { kind: 'refused', tag, reason: 'no-set-for-line', line: t.line };
  if (t.preRelease !== undefined) return { kind: 'refused', tag, reason: 'pre-release', line: t.line };
  const exact = sets.find((b) => compareInLine(b, t) === 0);
  if (exact) return { kind: 'exact', tag, line: t.line, base: exact.tag };
  const newer = sets.find((b) => compareInLine(b, t) > 0);
  if (newer) return { kind: 'nearest', tag, line: t.line, base: newer.tag, relation: 'newer' };
  return { kind: 'nearest', tag, line: t.line, base: sets.at(-1)!.tag, relation: 'older' };
}

/** The bases that are release tags, oldest first (line, minor, patch). */
function releaseBases(bases: readonly string[]): EngineTag[] {
  const parsed = bases.map(parseEngineTag).filter((b): b is EngineTag => b !== undefined && b.preRelease === undefined);
  return parsed.sort((a, b) => a.line - b.line || compareInLine(a, b));
}

/**
 * Of the tags on one commit, the one that names the engine: a release before a pre-release of it
 * (v28.3.0 and v28.3.0-rc.2 share a commit), then the highest version; undefined when none is one.
 */
export function preferredTag(tags: readonly string[]): string | undefined {
  const engine = tags.map(parseEngineTag).filter((t): t is EngineTag => t !== undefined);
  const rank = (t: EngineTag) => [t.preRelease === undefined ? 1 : 0, t.line, t.minor, t.patch];
  engine.sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x.map((v, i) => v - y[i]!).find((d) => d !== 0) ?? a.tag.localeCompare(b.tag);
  });
  return engine.at(-1)?.tag;
}

export interface EngineLine {
  line: number;
  /** The line's tag style, from its newest set: "docker-" or "". */
  prefix: string;
  /** Its sets, oldest first. */
  bases: string[];
}

/** The lines the sets cover, oldest first. */
export function engineLines(bases: readonly string[]): EngineLine[] {
  const lines = new Map<number, EngineTag[]>();
  for (const b of releaseBases(bases)) lines.set(b.line, [...(lines.get(b.line) ?? []), b]);
  return [...lines].map(([line, sets]) => ({ line, prefix: sets.at(-1)!.prefix, bases: sets.map((s) => s.tag) }));
}

/** "v28.x.y (set v28.5.2), docker-v29.x.y (set docker-v29.7.2)": the short list errors end with. */
export function supportedSummary(bases: readonly string[]): string {
  const lines = engineLines(bases);
  if (lines.length === 0) return 'none (patches/ is empty)';
  return lines.map((l) => `${l.prefix}v${l.line}.x.y (set${l.bases.length > 1 ? 's' : ''} ${l.bases.join(', ')})`).join(', ');
}

/**
 * "v28 (set v28.1.1, used up to v28.1.1; set v28.5.2, used after v28.1.1)": what --version says of
 * each line. A set serves the releases up to its own since the set before it; the newest, all after.
 */
export function describeLines(bases: readonly string[]): string {
  const lines = engineLines(bases);
  if (lines.length === 0) return 'none (patches/ is empty)';
  return lines.map(describeLine).join(', ');
}

function describeLine(l: EngineLine): string {
  const uses = l.bases.map((b, i) => {
    const prev = l.bases[i - 1];
    const last = i === l.bases.length - 1;
    if (prev === undefined) return `set ${b}, used ${last ? `for every v${l.line} release` : `up to ${b}`}`;
    return `set ${b}, used after ${prev}`;
  });
  return `v${l.line} (${uses.join('; ')})`;
}
