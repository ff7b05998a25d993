/**
 * How the engine lines' sources relate. The feature's new files are written once, on the v28 line,
 * and carried to v29 by a mechanical rewrite: moby moved packages (layer/, image/, distribution/ and
 * a few pkg/ packages under daemon/internal/, cmd/dockerd under daemon/command) and renamed its
 * module to github.com/moby/moby/v2, with the API types in their own module. `carryToLine` is that
 * rewrite, so a test can prove every full/ file of the v29 set is the v28 file carried over, and a
 * maintainer can see at once when a file has started to differ for a reason of its own.
 */

import { parseEngineTag } from '../moby/lines.ts';

export interface LineRewrite {
  /** Path prefixes moved, v28 → this line, longest first. */
  moves: ReadonlyArray<readonly [from: string, to: string]>;
  /** Import path prefixes rewritten, v28 → this line, first match wins. */
  imports: ReadonlyArray<readonly [from: string, to: string]>;
}

const V2 = 'github.com/moby/moby/v2/';

/** From the v28 line to the v29 line (docker-v29.x tags). */
export const V29_REWRITE: LineRewrite = {
  moves: [
    ['cmd/dockerd/', 'daemon/command/'],
    ['layer/', 'daemon/internal/layer/'],
    ['image/', 'daemon/internal/image/'],
    ['distribution/', 'daemon/internal/distribution/'],
  ],
  imports: [
    ['github.com/docker/docker/api/types/', 'github.com/moby/moby/api/types/'],
    ['github.com/docker/docker/layer', `${V2}daemon/internal/layer`],
    ['github.com/docker/docker/image', `${V2}daemon/internal/image`],
    ['github.com/docker/docker/distribution', `${V2}daemon/internal/distribution`],
    ['github.com/docker/docker/pkg/stringid', `${V2}daemon/internal/stringid`],
    ['github.com/docker/docker/pkg/progress', `${V2}daemon/internal/progress`],
    ['github.com/docker/docker/pkg/streamformatter', `${V2}daemon/internal/streamformatter`],
    ['github.com/docker/docker/', V2],
  ],
};

export function carryPath(path: string, rewrite: LineRewrite): string {
  const move = rewrite.moves.find(([from]) => path.startsWith(from));
  return move ? move[1] + path.slice(move[0].length) : path;
}

/** The inverse of carryPath, for a path of the target line. */
export function originPath(path: string, rewrite: LineRewrite): string {
  const move = rewrite.moves.find(([, to]) => path.startsWith(to));
  return move ? move[0] + path.slice(move[1].length) : path;
}

/** A Go source carried to the line: import paths rewritten, then each import group sorted as gofmt does. */
export function carrySource(text: string, rewrite: LineRewrite): string {
  const carry = (spec: string) => spec.replace(/"([^"]+)"/, (whole, path: string) => {
    const rule = rewrite.imports.find(([from]) => (from.endsWith('/') ? path.startsWith(from) : path === from || path.startsWith(`${from}/`)));
    return rule ? `"${rule[1]}${path.slice(rule[0].length)}"` : whole;
  });
  return text
    .replace(/^import (\(\n[\s\S]*?^\))/m, (_whole, block: string) => `import ${sortImportGroups(block.split('\n').map(carry).join('\n'))}`)
    .replace(/^import ("[^"]+")$/m, (_whole, spec: string) => `import ${carry(spec)}`);
}

/** gofmt sorts the specs of an import block by path (byte order) within each run of lines without a blank line. */
export function sortImportGroups(block: string): string {
  const body = block.slice('(\n'.length, -')'.length);
  const groups = body.split('\n\n').map((group) => {
    const lines = group.split('\n').filter((l) => l !== '');
    if (lines.some((l) => l.trim().startsWith('//'))) return lines.join('\n');
    return [...lines].sort((a, b) => (importPath(a) < importPath(b) ? -1 : importPath(a) > importPath(b) ? 1 : 0)).join('\n');
  });
  return `(\n${groups.join('\n\n')}\n)`;
}

function importPath(spec: string): string {
  return /"([^"]*)"/.exec(spec)?.[1] ?? spec;
}

/** Within one line nothing moves: an older release's set carries the newest one's files as they are. */
export const SAME_LINE: LineRewrite = { moves: [], imports: [] };

/** The rewrite from one set's line to another's, or undefined when the project has none. */
export function lineRewrite(from: string, to: string): LineRewrite | undefined {
  const a = parseEngineTag(from)?.line;
  const b = parseEngineTag(to)?.line;
  if (a !== undefined && a === b) return SAME_LINE;
  return a === 28 && b === 29 ? V29_REWRITE : undefined;
}
