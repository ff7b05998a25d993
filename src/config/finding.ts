/**
 * What the validator reports. A finding is data: where (file, line, column, offset, JSON pointer), which
 * check (`keyword`, stable, for machines and tests) and one sentence for people. Only src/cli renders it.
 */
import type { DaemonSchema } from './schema.ts';

export type Severity = 'error' | 'warning';

/** The checks that are not JSON Schema keywords; schema findings use ajv's keyword names. */
export type OwnKeyword =
  | 'encoding' // bytes that are not UTF-8, or a BOM
  | 'syntax'
  | 'comment'
  | 'duplicate-key'
  | 'empty'
  | 'not-object'
  | 'too-deep'
  | 'too-large'
  | 'unknown-key'
  | 'key-case'
  | 'deprecated'
  | 'removed' // a key the engine read once and now refuses
  | 'engine-rejects'
  | 'engine-ignores'
  | 'null'
  | 'integer-literal'
  | 'integer-range'
  | 'rule';

export interface Finding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units of the decoded text (what editors count for BMP text). */
  column: number;
  /** 0-based offset into the decoded text. */
  offset: number;
  /** RFC 6901 pointer to the value concerned ("" for the document). */
  pointer: string;
  keyword: OwnKeyword | string;
  /** For keyword "rule": which rule (e.g. "extra-storage-path"). */
  rule?: string;
  severity: Severity;
  message: string;
  /** Did-you-mean: the key the user probably meant. */
  suggestion?: string;
}

export interface ValidateOptions {
  /** The engine line's schema to check against (loadDaemonSchema(line)). */
  schema: DaemonSchema;
  /** Name used in findings; "-" for stdin. */
  file?: string;
  /** data-root to apply the extra-storage rules with when the file does not set one. */
  dataRoot?: string;
}

/**
 * By position, then pointer and keyword in code-unit order: the same order on every host, and no
 * localeCompare, whose first call loads ICU's collator (10 ms, most of a cold run).
 */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.offset - b.offset || ordinal(a.pointer, b.pointer) || ordinal(a.keyword, b.keyword));
}

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isInvalid(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
