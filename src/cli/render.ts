/**
 * Turns whatever a command ended with into text and an exit code. A UserError is one line (plus its
 * details); a file or package Node cannot find is one line saying how to restore it; anything else is
 * a bug in this project, shown with its stack so it can be reported. Both exit 2, never 1, which
 * means the work ran and failed (an invalid config, a failed build).
 */
import { UserError, type ExitCode } from '../errors.ts';
import type { Output } from './output.ts';

export function renderError(error: unknown, stderr: Output): ExitCode {
  if (error instanceof UserError) {
    stderr.write(`error: ${error.message}\n`);
    for (const line of error.detailLines()) stderr.write(`  ${line}\n`);
    return error.exitCode;
  }
  // Not a verdict of the work (1 is "invalid", "build failed"): the command could not run, as with bad input.
  const missing = missingModule(error);
  if (missing) {
    stderr.write(missing.startsWith('/') || missing.startsWith('file:')
      ? `error: ${missing} is missing, so this copy of dockerd-extra is incomplete: restore it (git checkout, or reinstall) and run again\n`
      : `error: the package ${missing} is missing: run npm ci in the dockerd-extra folder and run again\n`);
    return 2;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`internal error (a bug in dockerd-extra, please report it):\n${stack}\n`);
  return 2;
}

/** The file or package Node could not load (told by the error's code; the name is only shown). */
function missingModule(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  return /Cannot find (?:module|package) '([^']+)'/.exec((error as Error).message)?.[1] ?? 'a file it needs';
}

/** Listr wraps task errors; find the UserError a task threw, if any. */
export function unwrapTaskError(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof UserError) return current;
    const next = (current as { error?: unknown; cause?: unknown }).error ?? (current as { cause?: unknown }).cause;
    if (!next) break;
    current = next;
  }
  return error;
}
