/**
 * Turns expectations into one busybox shell script run inside the container, and its output back into
 * verdicts. One `docker run` checks everything, and each expectation reports `OK i` or `BAD i detail`.
 */
import { assertNever } from '../errors.ts';
import type { Expectation } from './image-spec.ts';

export interface ExpectationVerdict {
  expectation: Expectation;
  ok: boolean;
  detail: string;
}

/** Single-quote for sh: the only character that needs care inside '…' is ' itself. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function testFor(expectation: Expectation): { test: string; actual: string } {
  switch (expectation.kind) {
    case 'sha256': {
      const p = shellQuote(expectation.path);
      return { test: `set -- $(sha256sum ${p} 2>&1); [ "$1" = ${shellQuote(expectation.sha256)} ]`, actual: `$(sha256sum ${p} 2>&1 | head -c 100)` };
    }
    case 'absent': {
      const p = shellQuote(expectation.path);
      return { test: `! [ -e ${p} ] && ! [ -L ${p} ]`, actual: `present: $(ls -la ${p} 2>&1 | head -c 100)` };
    }
    case 'listing': {
      const d = shellQuote(expectation.dir);
      return { test: `set -- $(ls -A ${d} 2>&1); [ "$*" = ${shellQuote(expectation.names.join(' '))} ]`, actual: `$(echo $(ls -A ${d} 2>&1) | head -c 200)` };
    }
    case 'symlink': {
      const p = shellQuote(expectation.path);
      return { test: `[ -L ${p} ] && [ "$(readlink ${p})" = ${shellQuote(expectation.target)} ]`, actual: `$(readlink ${p} 2>&1 | head -c 100)` };
    }
    case 'hardlink': {
      const [a, b] = [shellQuote(expectation.path), shellQuote(expectation.other)];
      return { test: `[ -f ${a} ] && [ "$(stat -c %i ${a})" = "$(stat -c %i ${b})" ]`, actual: `inodes $(echo $(stat -c %i ${a} ${b} 2>&1))` };
    }
    default:
      return assertNever(expectation);
  }
}

export function checkScript(expectations: readonly Expectation[]): string {
  return expectations
    .map((expectation, index) => {
      const { test, actual } = testFor(expectation);
      return `if ${test}; then echo "OK ${index}"; else echo "BAD ${index} ${actual}"; fi`;
    })
    .join('\n');
}

export function parseCheckOutput(output: string, expectations: readonly Expectation[]): ExpectationVerdict[] {
  const seen = new Map<number, { ok: boolean; detail: string }>();
  for (const line of output.split('\n')) {
    const match = /^(OK|BAD) (\d+)(?: (.*))?$/.exec(line.trim());
    if (match) seen.set(Number(match[2]), { ok: match[1] === 'OK', detail: match[3] ?? '' });
  }
  return expectations.map((expectation, index) => {
    const verdict = seen.get(index);
    return verdict
      ? { expectation, ...verdict }
      : { expectation, ok: false, detail: 'the container printed no verdict for this check' };
  });
}

export function describeExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case 'sha256':
      return `${expectation.path} has the ${expectation.what} sha256`;
    case 'absent':
      return `${expectation.path} is absent`;
    case 'listing':
      return `${expectation.dir} lists only ${expectation.names.join(', ')}`;
    case 'symlink':
      return `${expectation.path} is a symlink to ${expectation.target}`;
    case 'hardlink':
      return `${expectation.path} is a hardlink of ${expectation.other}`;
    default:
      return assertNever(expectation);
  }
}
