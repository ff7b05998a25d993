/** The matrix as an aligned text table, pure: one header, one line per tag, the failure's reason last. */
import { assertNever } from '../errors.ts';
import { oneLine, type MatrixRow, type StageResult } from './row.ts';

/** How much of a failure's message the table shows (the JSON keeps more). */
export const WHY_WIDTH = 90;

const HEADER = ['tag', 'patch set', 'offsets', 'apply', 'build', 'validate', 'e2e', 'seconds', 'why'] as const;
/** Right-aligned columns: the numbers. */
const RIGHT = new Set<number>([HEADER.indexOf('seconds')]);

export function stageCell(result: StageResult): string {
  switch (result) {
    case 'ok':
      return 'ok';
    case 'planned':
      return 'planned';
    case 'failed':
      return 'FAILED';
    case 'skipped':
      return 'skipped';
    case 'not-run':
      return '-';
    default:
      return assertNever(result);
  }
}

/** "0", "1 hunk", "3 hunks"; "?" when the plan did not say. */
export function offsetsCell(offsets: number | null): string {
  if (offsets === null) return '?';
  return offsets === 0 ? '0' : `${offsets} ${offsets === 1 ? 'hunk' : 'hunks'}`;
}

export function rowCells(row: MatrixRow): string[] {
  return [
    row.tag,
    row.set ?? '-',
    row.set === null ? '-' : offsetsCell(row.offsets),
    stageCell(row.apply),
    stageCell(row.build),
    stageCell(row.validate),
    stageCell(row.e2e),
    row.seconds.toFixed(1),
    row.failure ? oneLine(`${row.failure.stage}: ${row.failure.message}`, WHY_WIDTH) : '',
  ];
}

/** Lines without trailing spaces; every column as wide as its widest cell, two spaces apart. */
export function renderTable(rows: readonly MatrixRow[]): string[] {
  const lines = [[...HEADER], ...rows.map(rowCells)];
  const widths = HEADER.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)));
  return lines.map((cells) =>
    cells
      .map((cell, i) => (RIGHT.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
