/**
 * Tree → engine version → patch base. The version comes from git tags (moby has no VERSION file
 * that tracks releases), so a branch a few commits past v28.5.2 still maps to the v28.5.2 set; the
 * choice of set itself is the pure chooseSet (lines.ts).
 */
import { git } from '../exec/git.ts';
import { BetweenTagsError, UnknownVersionError, UnsupportedVersionError } from './errors.ts';
import { chooseSet, ENGINE_TAG_GLOBS, preferredTag, type ChosenSet } from './lines.ts';

export interface EngineVersion {
  /** The nearest tag, e.g. "v28.5.2" or "docker-v29.7.2". */
  tag: string;
  /** Commits between that tag and HEAD (0 when HEAD is tagged). */
  ahead: number;
  /** The bare version, e.g. "28.5.2": what VERSION is stamped from. */
  version: string;
}

/** Parse `git describe --tags` output; tags may contain dashes, so read from the end. */
export function parseDescribe(text: string): { tag: string; ahead: number } {
  const trimmed = text.trim();
  const match = /^(.*)-(\d+)-g[0-9a-f]+$/.exec(trimmed);
  return match ? { tag: match[1]!, ahead: Number(match[2]) } : { tag: trimmed, ahead: 0 };
}

/** "v28.5.2" → "28.5.2"; "docker-v29.7.2" → "29.7.2"; anything else unchanged. */
export function versionOfTag(tag: string): string {
  return tag.replace(/^(?:.*-)?v(?=\d)/, '');
}

function numbers(tag: string): number[] {
  return (versionOfTag(tag).match(/\d+/g) ?? []).map(Number);
}

/** Orders tags by their numeric version (v28.10.0 after v28.9.1), then by text. */
export function compareTags(a: string, b: string): number {
  const x = numbers(a);
  const y = numbers(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

export function newestBase(bases: readonly string[]): string | undefined {
  return [...bases].sort(compareTags).at(-1);
}

/** The set a tree at `tag` gets (chooseSet), or an UnsupportedVersionError that lists the supported lines. */
export function requireSet(tag: string, bases: readonly string[]): ChosenSet {
  const choice = chooseSet(tag, bases);
  if (choice.kind === 'refused') throw new UnsupportedVersionError(tag, [...bases].sort(compareTags), choice.reason, choice.line);
  return choice;
}

async function gitText(dir: string, args: string[]): Promise<string | undefined> {
  try {
    return (await git(dir).raw(args)).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The nearest engine tag in HEAD's history and the commits past it. Only engine tags are looked at
 * (moby's Go module tags share the release commits); of the engine tags on that commit the release
 * is preferred over a pre-release of it. `supported` is only for the error's list.
 */
export async function detectVersion(dir: string, supported: readonly string[]): Promise<EngineVersion> {
  const globs = ENGINE_TAG_GLOBS.flatMap((g) => ['--match', g]);
  const text = await gitText(dir, ['describe', '--tags', '--long', ...globs, 'HEAD']);
  if (!text) throw new UnknownVersionError(dir, supported);
  const described = parseDescribe(text);
  const onCommit = (await gitText(dir, ['tag', '--points-at', `refs/tags/${described.tag}^{commit}`]))?.split('\n') ?? [];
  const tag = preferredTag([described.tag, ...onCommit]) ?? described.tag;
  if (described.ahead > 0) {
    // A commit that a later engine tag contains is part of a release in the making, not that release
    // nor a branch of one's own on top of a release: it gets no set.
    const later = (await gitText(dir, ['tag', '--contains', 'HEAD', '--list', ...ENGINE_TAG_GLOBS]))?.split('\n') ?? [];
    const next = [...later].sort(compareTags)[0];
    if (next) throw new BetweenTagsError(dir, tag, described.ahead, next);
  }
  return { tag, ahead: described.ahead, version: versionOfTag(tag) };
}

/** True when `tag` exists and is an ancestor of (or equal to) HEAD. */
export async function isAncestorOfHead(dir: string, tag: string): Promise<boolean> {
  try {
    await git(dir).raw(['merge-base', '--is-ancestor', `refs/tags/${tag}`, 'HEAD']);
    return true;
  } catch {
    return false;
  }
}

/** A branch's base: the newest supported tag it was built on, else its nearest tag (a first export). */
export async function branchBase(dir: string, supported: readonly string[]): Promise<string> {
  const onBranch: string[] = [];
  for (const base of supported) if (await isAncestorOfHead(dir, base)) onBranch.push(base);
  return newestBase(onBranch) ?? (await detectVersion(dir, supported)).tag;
}
