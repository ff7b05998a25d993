/**
 * One row of the engine matrix, pure: what happened to one tag at each stage, the set it used, how
 * many hunks applied at an offset, its time, and the first failure in one line.
 */
import type { TreePlan } from '../patchset/change.ts';
import { UserError } from '../errors.ts';

/** The columns that hold a verdict; the dry-run plan is part of `apply`, `--version` of `build`. */
export const STAGES = ['apply', 'build', 'validate', 'e2e'] as const;
export type Stage = (typeof STAGES)[number];

/** `planned`: the plan is clean, nothing written (--plan-only). `skipped`: not asked for (no --e2e). */
export type StageResult = 'ok' | 'planned' | 'failed' | 'skipped' | 'not-run';

export interface MatrixRow {
  tag: string;
  /** The patch set used (its base tag), once chosen. */
  set: string | null;
  /** Hunks applied at an offset; null when the plan does not say (or there is no plan). */
  offsets: number | null;
  apply: StageResult;
  build: StageResult;
  validate: StageResult;
  e2e: StageResult;
  seconds: number;
  /** The first failure: its stage and its one-line message. */
  failure: { stage: Stage; message: string } | null;
  /** Where the tag's dockerd, docker-proxy and build log went; null with --plan-only. */
  out: string | null;
}

/** The longest failure message kept (in the JSON); the table shows less. */
export const MESSAGE_LIMIT = 400;

export function newRow(tag: string, options: { e2e: boolean; out: string | null }): MatrixRow {
  const e2e = options.e2e ? 'not-run' : 'skipped';
  return { tag, set: null, offsets: null, apply: 'not-run', build: 'not-run', validate: 'not-run', e2e, seconds: 0, failure: null, out: options.out };
}

/** A tag the matrix never reached: its row says why, and it does not count as passed. */
export function notRunRow(tag: string, options: { e2e: boolean }, why: string): MatrixRow {
  return { ...newRow(tag, { e2e: options.e2e, out: null }), failure: { stage: 'apply', message: why } };
}

/** The row with `stage` set to `result`. */
export function withStage(row: MatrixRow, stage: Stage, result: StageResult): MatrixRow {
  return { ...row, [stage]: result };
}

/** The row with `stage` failed; the first failure is the one the table explains. */
export function withFailure(row: MatrixRow, stage: Stage, message: string): MatrixRow {
  return { ...withStage(row, stage, 'failed'), failure: row.failure ?? { stage, message: oneLine(message, MESSAGE_LIMIT) } };
}

export function rowPassed(row: MatrixRow): boolean {
  return row.failure === null && STAGES.every((stage) => row[stage] !== 'failed');
}

/**
 * How many hunks applied at an offset, read from the plan; undefined when it does not say. The one
 * place that knows where a plan keeps its offsets: an `apply` plan's `offsets` (one per hunk
 * found at an offset); an already-applied tree has none; a conflict or no plan, no count.
 */
export function offsetsOf(plan: TreePlan | undefined): number | undefined {
  if (plan === undefined) return undefined;
  if (plan.kind === 'already-applied') return 0;
  if (plan.kind === 'apply' && Array.isArray(plan.offsets)) return plan.offsets.length;
  return undefined;
}

/** Collapses whitespace to one line and cuts it at `limit` characters, marking the cut with "…". */
export function oneLine(text: string, limit: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= limit ? line : `${line.slice(0, Math.max(0, limit - 1)).trimEnd()}…`;
}

/** What a failure says in the row: a UserError's own message; anything else is named as internal. */
export function failureText(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return `internal error: ${error.name}: ${error.message}`;
  return `internal error: ${String(error)}`;
}
