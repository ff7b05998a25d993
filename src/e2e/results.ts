/**
 * The verdicts of an e2e or bench run, kept as data: each check passes, fails with the reason, or is
 * skipped with the reason; figures are named numbers. Only src/cli/ turns them into text.
 */
import { assertNever } from '../errors.ts';

export type Outcome =
  | { kind: 'pass'; name: string }
  | { kind: 'fail'; name: string; why: string }
  | { kind: 'skip'; name: string; why: string };

export interface Figure {
  name: string;
  value: number;
  unit: 'ms' | 'bytes' | 'count';
}

export type E2eEvent = { type: 'outcome'; outcome: Outcome } | { type: 'figure'; figure: Figure } | { type: 'note'; text: string };

/** Collects outcomes and forwards each one as it happens, so progress is visible during a long run. */
export class Results {
  readonly outcomes: Outcome[] = [];
  readonly figures: Figure[] = [];
  constructor(private readonly onEvent: (event: E2eEvent) => void = () => {}) {}

  pass(name: string): void {
    this.add({ kind: 'pass', name });
  }
  fail(name: string, why: string): void {
    this.add({ kind: 'fail', name, why: oneLine(why) });
  }
  skip(name: string, why: string): void {
    this.add({ kind: 'skip', name, why: oneLine(why) });
  }
  /** pass when ok, else fail with why. */
  check(name: string, ok: boolean, why: string): boolean {
    if (ok) this.pass(name);
    else this.fail(name, why);
    return ok;
  }
  figure(name: string, value: number, unit: Figure['unit']): void {
    const figure = { name, value, unit };
    this.figures.push(figure);
    this.onEvent({ type: 'figure', figure });
  }
  note(text: string): void {
    this.onEvent({ type: 'note', text });
  }
  get passed(): number {
    return this.outcomes.filter((o) => o.kind === 'pass').length;
  }
  get failed(): number {
    return this.outcomes.filter((o) => o.kind === 'fail').length;
  }
  private add(outcome: Outcome): void {
    this.outcomes.push(outcome);
    this.onEvent({ type: 'outcome', outcome });
  }
}

export function formatOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'pass':
      return `PASS ${outcome.name}`;
    case 'fail':
      return `FAIL ${outcome.name}: ${outcome.why}`;
    case 'skip':
      return `SKIP ${outcome.name}: ${outcome.why}`;
    default:
      return assertNever(outcome);
  }
}

export function formatFigure(figure: Figure): string {
  return `FIGURE ${figure.name}: ${figure.value} ${figure.unit === 'count' ? '' : figure.unit}`.trimEnd();
}

/** The closing line CI greps for. */
export function summaryLine(results: Pick<Results, 'passed' | 'failed'>): string {
  return `${results.passed} passed, ${results.failed} failed`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 400 ? `${flat.slice(0, 400)}…` : flat;
}
