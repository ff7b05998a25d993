/**
 * The matrix as `--json` writes it, pure: when and where it ran (kernel, Go, Node, the command line),
 * what it was asked, one row per tag and the counts. `format` is 1; a field changes meaning only
 * with a new format.
 */
import { rowPassed, type MatrixRow } from './row.ts';

export interface HostFacts {
  /** `uname -r`. */
  kernel: string;
  /** `go version`'s line, or null when no go is on PATH. */
  go: string | null;
  /** `node --version`. */
  node: string;
}

export interface RunFacts {
  /** ISO 8601, UTC. */
  started: string;
  /** As typed: `npm run matrix -- --tags v28.5.2`. */
  command: string;
  host: HostFacts;
  repo: string;
  workDir: string;
  planOnly: boolean;
  e2e: boolean;
  keepGoing: boolean;
}

export interface MatrixReport extends RunFacts {
  format: 1;
  seconds: number;
  summary: { tags: number; passed: number; failed: number };
  rows: MatrixRow[];
}

export function buildReport(facts: RunFacts, rows: readonly MatrixRow[], seconds: number): MatrixReport {
  const passed = rows.filter(rowPassed).length;
  return { format: 1, ...facts, seconds: round(seconds), summary: { tags: rows.length, passed, failed: rows.length - passed }, rows: rows.map((r) => ({ ...r, seconds: round(r.seconds) })) };
}

export function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

/** The command line as a user would retype it: arguments with shell-special characters quoted. */
export function commandLine(invocation: string, argv: readonly string[]): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  return [invocation, ...argv.map(quote)].join(' ');
}
