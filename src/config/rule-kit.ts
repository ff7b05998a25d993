/** Types and helpers shared by the rule files (rules-*.ts). */
import type { JsonValue } from './value.ts';
import type { Severity } from './finding.ts';
import type { EngineLine } from './engine-line.ts';

export interface RuleIssue {
  pointer: string;
  rule: string;
  message: string;
  severity: Severity;
  /** Point at the key rather than the value (for "this key must not be here"). */
  at?: 'key' | 'value';
}

export interface RuleContext {
  config: { [key: string]: JsonValue };
  /** The engine line the file is checked against: rules that differ between lines read it. */
  line: EngineLine;
  /** data-root from the file, else from --data-root, else the engine default. */
  dataRoot: string;
}

export type Rule = (ctx: RuleContext) => RuleIssue[];

/** The strings of an array-of-strings value with their pointers; anything else yields nothing. */
export function stringItems(config: RuleContext['config'], key: string): [string, string][] {
  const v = config[key];
  if (!Array.isArray(v)) return [];
  const out: [string, string][] = [];
  v.forEach((item, i) => {
    if (typeof item === 'string') out.push([`/${key}/${i}`, item]);
  });
  return out;
}

export function str(config: RuleContext['config'], key: string): string | undefined {
  const v = config[key];
  return typeof v === 'string' ? v : undefined;
}

export function int(config: RuleContext['config'], key: string): number | undefined {
  const v = config[key];
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

export function issue(pointer: string, rule: string, message: string, severity: Severity = 'error', at: 'key' | 'value' = 'value'): RuleIssue {
  return { pointer, rule, message, severity, at };
}

/**
 * A size as go-units RAMInBytes reads it ("64M", "1.5g", "512kb"). Its own pattern allows "1.2.3"
 * but the number is then parsed as one float, so only one fraction passes.
 */
export const SIZE = /^(\d+(\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/;
