/**
 * Command-line flags, parsed by node:util parseArgs (strict): `--name`, `--name value`,
 * `--name=value`, `-h`, and `--` before operands that start with a dash. An unknown flag, a missing
 * value or a stray operand is a UsageError with parseArgs's own words on one line.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export interface FlagSpec {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
}

export type FlagValues<O extends Record<string, FlagSpec>> = {
  -readonly [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

export function parseCommandArgs<O extends Record<string, FlagSpec>>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals = false,
): { values: FlagValues<O>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: values as FlagValues<O>, positionals };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    throw new UsageError(`${command}: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}; see README.md for the options`);
  }
}

/** One of a closed set of values, or a UsageError naming them. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}
