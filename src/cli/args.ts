/**
 * Command-line flags: `--name`, `--name value`, `--name=value`, `-h`, and `--` before operands that
 * start with a dash. Strict, like node:util parseArgs, whose subset this is: an unknown flag, a missing
 * value or a stray operand is a UsageError naming it. Ours because parseArgs is loaded on first use,
 * and loading and running it cost 2 ms of validate-config's 55 ms cold start.
 */
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
  const values: Record<string, boolean | string> = {};
  const positionals: string[] = [];
  const usage = (what: string) => new UsageError(`${command}: ${what}; see README.md for the options`);
  const operand = (arg: string) => {
    if (!allowPositionals) throw usage(`unexpected argument "${arg}"`);
    positionals.push(arg);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      argv.slice(i + 1).forEach(operand);
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      operand(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq === -1 ? arg : arg.slice(0, eq);
    const name = written.startsWith('--')
      ? written.slice(2)
      : Object.keys(options).find((key) => options[key]?.short !== undefined && `-${options[key]?.short}` === written);
    const spec = name === undefined || !Object.hasOwn(options, name) ? undefined : options[name];
    if (name === undefined || spec === undefined) throw usage(`unknown option ${written}`);
    if (spec.type === 'boolean') {
      if (eq !== -1) throw usage(`${written} takes no value`);
      values[name] = true;
    } else if (eq !== -1) {
      values[name] = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw usage(`${written} needs a value (${written}=VALUE if it starts with a dash)`);
      values[name] = next;
      i++;
    }
  }
  return { values: values as FlagValues<O>, positionals };
}

/** One of a closed set of values, or a UsageError naming them. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}
