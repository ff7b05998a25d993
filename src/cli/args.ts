/**
 * A command's options and its help, declared once: node:util parseArgs (strict) reads the same
 * declarations that the `--help` text is made from, so an option and its help line cannot drift.
 * Every command also takes `--help`/`-h` and `--version`. An unknown flag, a missing value or a stray
 * operand is a UsageError with parseArgs's own words on one line, pointing at `--help`.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export interface FlagSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  /** The value's placeholder in the help (PATH, TAG). */
  readonly value?: string;
  /** The help line: the same words as the README. */
  readonly help: string;
}

export interface CommandSpec {
  /** What a user types to start it: `validate-config`, `npm run rpm --`. */
  readonly invocation: string;
  readonly name: string;
  /** What follows the invocation on the usage line. */
  readonly synopsis: string;
  /** What the command does, one or two sentences. */
  readonly summary: string;
  readonly options: Readonly<Record<string, FlagSpec>>;
  /** Whether it takes operands (files). */
  readonly operands?: boolean;
  readonly example: string;
}

export type FlagValues<O extends Record<string, FlagSpec>> = {
  -readonly [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

export type ParsedArgs<O extends Record<string, FlagSpec>> =
  | { kind: 'run'; values: FlagValues<O>; positionals: string[] }
  | { kind: 'help' }
  | { kind: 'version' };

const COMMON = {
  help: { type: 'boolean', short: 'h', help: 'show this help and exit' },
  version: { type: 'boolean', help: 'print the project version and the supported engine tags, and exit' },
} as const satisfies Record<string, FlagSpec>;

export function helpHint(spec: Pick<CommandSpec, 'invocation'>): string {
  return `see ${spec.invocation} --help`;
}

export function parseCommandArgs<S extends CommandSpec>(spec: S, argv: readonly string[]): ParsedArgs<S['options']> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...spec.options, ...COMMON }, strict: true, allowPositionals: spec.operands === true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    throw new UsageError(`${spec.name}: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}; ${helpHint(spec)}`);
  }
  if (parsed.values.help) return { kind: 'help' };
  if (parsed.values.version) return { kind: 'version' };
  return { kind: 'run', values: parsed.values as FlagValues<S['options']>, positionals: parsed.positionals };
}

/** usage, what it does, every option with its help line, one example. */
export function formatHelp(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.options, ...COMMON }).map(([name, flag]) => {
    const short = 'short' in flag && flag.short ? `-${flag.short}, ` : '';
    const value = 'value' in flag && flag.value ? ` ${flag.value}` : '';
    return [`${short}--${name}${value}`, flag.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `usage: ${spec.invocation} ${spec.synopsis}`,
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`),
    '',
    'example:',
    `  ${spec.example}`,
    '',
  ].join('\n');
}

/** One of a closed set of values, or a UsageError naming them. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}
