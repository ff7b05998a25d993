/** Shared fixtures of the config suites: the corpus on disk, its expected verdicts, a seeded PRNG. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineLine } from '../../src/config/engine-line.ts';
import type { DaemonSchema } from '../../src/config/schema.ts';
import { daemonSchema as v28 } from '../../src/config/schema-v28.ts';
import { daemonSchema as v29 } from '../../src/config/schema-v29.ts';

/** Each line's schema, loaded up front: the suites check against both lines in one process. */
export const SCHEMAS: Readonly<Record<EngineLine, DaemonSchema>> = { v28, v29 };

export const corpusDir = fileURLToPath(new URL('./corpus/', import.meta.url));

export interface ExpectedFinding {
  line: number;
  column: number;
  pointer: string;
  keyword: string;
  rule?: string;
  severity: 'error' | 'warning';
}

export interface Expected {
  /** The engine line the file is checked against; v28 when absent (the corpus began with v28). */
  engine?: EngineLine;
  valid: boolean;
  /** Why ours says invalid where `dockerd --validate` says OK. */
  stricter?: string;
  findings: ExpectedFinding[];
}

export function corpusFiles(): string[] {
  return readdirSync(corpusDir).filter((n) => n.endsWith('.json') && n !== 'expected.json').sort();
}

export function expectedVerdicts(): Record<string, Expected> {
  return JSON.parse(readFileSync(`${corpusDir}expected.json`, 'utf8')) as Record<string, Expected>;
}

export function readCorpus(name: string): Buffer {
  return readFileSync(`${corpusDir}${name}`);
}

/** mulberry32: small, seeded, reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One line of validate-config's text output. */
export const FINDING_LINE = /^[^\n]+:\d+:\d+  (-|\/.*?)  (error|warning): [^\n]+$/;
