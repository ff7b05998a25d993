/** Every sentence the matrix prints besides its table, built from data (pure). */
import { rowPassed, type MatrixRow } from './row.ts';

export function introLines(facts: { tags: readonly string[]; repo: string; workDir: string; tree: string; planOnly: boolean }): string[] {
  const { tags } = facts;
  const which = tags.length === 1 ? tags[0]! : `${tags[0]} … ${tags.at(-1)}`;
  const lines = [`matrix: ${tags.length} tag(s) of ${facts.repo} (${which})${facts.planOnly ? ', plan only' : ''}`, `work tree ${facts.tree} (one for every tag, removed at the end)`];
  if (!facts.planOnly) lines.push(`each tag's dockerd, docker-proxy and build log go to ${facts.workDir}/<tag>/`);
  return lines;
}

export function tagHeader(tag: string, index: number, count: number): string {
  return `[${index + 1}/${count}] ${tag}`;
}

export function tagVerdict(row: MatrixRow): string {
  const time = `${row.seconds.toFixed(1)} s`;
  if (rowPassed(row)) return `${row.tag}: passed (${time})`;
  return `${row.tag}: FAILED at ${row.failure?.stage ?? 'a stage'} (${time}): ${row.failure?.message ?? 'see above'}`;
}

export function closingLine(rows: readonly MatrixRow[], where: { json?: string; workDir?: string }): string {
  const passed = rows.filter(rowPassed).length;
  const parts = [`${passed} of ${rows.length} tag(s) passed`];
  if (where.json) parts.push(`JSON in ${where.json}`);
  if (where.workDir) parts.push(`binaries and logs in ${where.workDir}`);
  return parts.join('; ');
}
