/**
 * Turns whatever a command ended with into text and an exit code. A UserError is one line (plus its
 * details); anything else is a bug in this project, shown with its stack so it can be reported.
 */
import { UserError, type ExitCode } from '../errors.ts';
import type { Output } from './output.ts';

export function renderError(error: unknown, stderr: Output): ExitCode {
  if (error instanceof UserError) {
    stderr.write(`error: ${error.message}\n`);
    for (const line of error.detailLines()) stderr.write(`  ${line}\n`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`internal error (a bug in dockerd-extra, please report it):\n${stack}\n`);
  return 1;
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
