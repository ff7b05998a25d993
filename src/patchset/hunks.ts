/**
 * Applying hunks to text, purely. A text is held as lines plus whether its last line ends with a
 * newline, so `\ No newline at end of file` round-trips exactly. A hunk is tried where its header
 * says (shifted by what earlier hunks moved), then at growing distances either side; where it lands
 * away from that spot the offset is reported, and where it lands nowhere the lines expected and the
 * lines found at the spot tried are kept for the report.
 */
import type { Hunk } from './parse.ts';

export interface Text {
  lines: string[];
  /** False when the last line has no trailing newline. */
  eol: boolean;
}

export function splitText(content: string): Text {
  if (content === '') return { lines: [], eol: true };
  const lines = content.split('\n');
  const eol = lines.at(-1) === '';
  if (eol) lines.pop();
  return { lines, eol };
}

export function joinText(text: Text): string {
  if (text.lines.length === 0) return '';
  return text.lines.join('\n') + (text.eol ? '\n' : '');
}

interface Side {
  lines: string[];
  /** The side's last line has no newline (it is the file's last line). */
  noEol: boolean;
}

/** The old and new sides of a hunk; `reverse` swaps them (for the already-applied check). */
export function sides(hunk: Hunk, reverse = false): { from: Side; to: Side } {
  const old: Side = { lines: [], noEol: false };
  const neu: Side = { lines: [], noEol: false };
  let last = '';
  for (const raw of hunk.lines) {
    const kind = raw === '' ? ' ' : raw[0];
    const body = raw.slice(1);
    if (kind === '\\') {
      if (last !== '+') old.noEol = true;
      if (last !== '-') neu.noEol = true;
      continue;
    }
    if (kind !== '+') old.lines.push(body);
    if (kind !== '-') neu.lines.push(body);
    last = kind!;
  }
  return reverse ? { from: neu, to: old } : { from: old, to: neu };
}

export type HunkResult =
  | { ok: true; offset: number }
  | { ok: false; offsetTried: number; line: number; expected: string[]; found: string[] };

export interface FileState {
  text: Text;
  /** Lines added minus removed by earlier hunks of the same file. */
  delta: number;
  /** Where the previous hunk landed relative to its header: the next one is looked for there first. */
  lastOffset: number;
  /** No hunk may land before the end of the previous one, so hunks keep their order. */
  floor: number;
}

export function startState(content: string): FileState {
  return { text: splitText(content), delta: 0, lastOffset: 0, floor: 0 };
}

/**
 * Apply one hunk to `state` in place (only when it matches). The offset is counted as GNU patch
 * does: the distance from the line the header names, after the lines earlier hunks added.
 */
export function applyHunk(state: FileState, hunk: Hunk, reverse = false): HunkResult {
  const { from, to } = sides(hunk, reverse);
  const start = Math.max(0, (reverse ? hunk.newStart : hunk.oldStart) - 1) + state.delta;
  const text = state.text;
  const want = Math.min(Math.max(state.floor, start + state.lastOffset), text.lines.length);
  const at = findNearest(text, from, want, state.floor);
  if (at === undefined) {
    return {
      ok: false,
      offsetTried: want - start,
      line: want + 1,
      expected: from.lines,
      found: text.lines.slice(want, want + from.lines.length),
    };
  }
  const atEnd = at + from.lines.length === text.lines.length;
  text.lines.splice(at, from.lines.length, ...to.lines);
  if (atEnd && to.lines.length > 0) text.eol = !to.noEol;
  state.delta += to.lines.length - from.lines.length;
  state.lastOffset = at - start;
  state.floor = at + to.lines.length;
  return { ok: true, offset: at - start };
}

/** The match position closest to `want` (ties go to the earlier line, as GNU patch does). */
function findNearest(text: Text, side: Side, want: number, floor: number): number | undefined {
  const last = text.lines.length - side.lines.length;
  for (let d = 0; want - d >= floor || want + d <= last; d++) {
    if (want - d >= floor && want - d <= last && matches(text, side, want - d)) return want - d;
    if (d > 0 && want + d <= last && want + d >= floor && matches(text, side, want + d)) return want + d;
  }
  return undefined;
}

function matches(text: Text, side: Side, at: number): boolean {
  const n = side.lines.length;
  for (let j = 0; j < n; j++) if (text.lines[at + j] !== side.lines[j]) return false;
  if (n === 0) return true;
  const fileEnd = at + n === text.lines.length;
  // The side's last line lacks a newline exactly when it is the file's last line without one.
  if (side.noEol) return fileEnd && !text.eol;
  return !fileEnd || text.eol;
}
