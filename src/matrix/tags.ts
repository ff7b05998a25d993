/**
 * Which engine tags the matrix runs, pure: `--tags` is a comma list or an inclusive range by version
 * order; without it, every final tag of the lines the project has a patch set for. Final tags only
 * (`v28.5.2`, `docker-v29.7.2`), never a pre-release (`-rc.1`, `-beta.2`). Always in version order.
 */
import { compareTags } from '../moby/version.ts';
import { EmptyRangeError, NoTagsError, NotFinalTagError, ReversedRangeError, TagSpecError, UnknownTagError } from './errors.ts';

export type TagSpec = { kind: 'all' } | { kind: 'list'; tags: string[] } | { kind: 'range'; from: string; to: string };

/** prefix (`v`, `docker-v`), then major.minor.patch and nothing after. */
const FINAL = /^((?:[a-z]+-)?v)(\d+)\.\d+\.\d+$/;
/** The same, with any pre-release suffix, for telling a line apart. */
const VERSIONED = /^((?:[a-z]+-)?v)(\d+)\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export function isFinalTag(tag: string): boolean {
  return FINAL.test(tag);
}

/** The engine line of a tag: `v28.5.2` → `v28`, `docker-v29.0.0-rc.1` → `docker-v29`; undefined for other names. */
export function lineOf(tag: string): string | undefined {
  const match = VERSIONED.exec(tag);
  return match ? `${match[1]}${match[2]}` : undefined;
}

/** The tag's name without its version (`v`, `docker-v`): a range stays within the names of its ends. */
function prefixOf(tag: string): string | undefined {
  return FINAL.exec(tag)?.[1];
}

/** Sorted by version, each once. */
export function sortTags(tags: Iterable<string>): string[] {
  return [...new Set(tags)].sort(compareTags);
}

export function parseTagSpec(text: string | undefined): TagSpec {
  if (text === undefined) return { kind: 'all' };
  const spec = text.trim();
  if (spec === '') throw new TagSpecError(text, 'empty');
  if (spec.includes('..')) {
    const ends = spec.split('..').map((end) => end.trim());
    if (ends.length !== 2 || ends.some((end) => end === '' || end.includes(','))) throw new TagSpecError(text, 'a range is FROM..TO, two tags');
    const [from, to] = ends as [string, string];
    for (const end of ends) if (!isFinalTag(end)) throw new NotFinalTagError(end);
    if (compareTags(from, to) > 0) throw new ReversedRangeError(from, to);
    return { kind: 'range', from, to };
  }
  const tags = spec.split(',').map((tag) => tag.trim());
  if (tags.some((tag) => tag === '')) throw new TagSpecError(text, 'an empty item in the list');
  for (const tag of tags) if (!isFinalTag(tag)) throw new NotFinalTagError(tag);
  return { kind: 'list', tags };
}

export interface RepoTags {
  /** What the messages call it: its path. */
  repo: string;
  tags: readonly string[];
}

/** The tags to run, in version order; `lines` are the engine lines with a patch set (`v28`, `docker-v29`). */
export function selectTags(spec: TagSpec, repo: RepoTags, lines: readonly string[]): string[] {
  const finals = repo.tags.filter(isFinalTag);
  switch (spec.kind) {
    case 'all': {
      const chosen = sortTags(finals.filter((tag) => lines.includes(lineOf(tag) ?? '')));
      if (chosen.length === 0) throw new NoTagsError(lines, repo.repo);
      return chosen;
    }
    case 'list': {
      const known = new Set(finals);
      const unknown = spec.tags.filter((tag) => !known.has(tag));
      if (unknown.length) throw new UnknownTagError([...new Set(unknown)], repo.repo);
      return sortTags(spec.tags);
    }
    case 'range': {
      const prefixes = new Set([prefixOf(spec.from), prefixOf(spec.to)]);
      const inside = (tag: string) => prefixes.has(prefixOf(tag)) && compareTags(spec.from, tag) <= 0 && compareTags(tag, spec.to) <= 0;
      const chosen = sortTags(finals.filter(inside));
      if (chosen.length === 0) throw new EmptyRangeError(spec.from, spec.to, repo.repo);
      return chosen;
    }
  }
}

/** The engine lines of the patch-set bases: `v28.5.2`, `docker-v29.7.2` → `v28`, `docker-v29`. */
export function linesOf(bases: readonly string[]): string[] {
  return [...new Set(bases.map(lineOf).filter((line): line is string => line !== undefined))];
}
