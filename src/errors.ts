/**
 * Every failure a user can cause or fix is a UserError: it carries the data that explains it and one
 * line of text built from that data. Only src/cli/render.ts prints it; nothing below src/cli/ exits.
 * Concerns define their own subclasses next to their code; callers and tests tell them apart by class
 * (`instanceof`) and read their fields, never their text.
 */
export type ExitCode = 0 | 1 | 2;

export abstract class UserError extends Error {
  /** 2 for usage mistakes and unreadable input, 1 for a failure of the work itself. */
  readonly exitCode: ExitCode = 1;
  /** Lines shown under the one-line message (a failing hunk, the tail of a log). */
  detailLines(): readonly string[] {
    return [];
  }
}

export class UsageError extends UserError {
  override readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class CancelledError extends UserError {
  constructor(what: string) {
    super(`${what} was cancelled; nothing was left half done`);
    this.name = 'CancelledError';
  }
}

export class ExecError extends UserError {
  constructor(
    readonly command: string,
    readonly exitCode_: number | undefined,
    readonly stderrTail: readonly string[],
    readonly logPath: string | undefined,
    readonly reason: string,
  ) {
    super(
      `${command} ${reason}` + (logPath ? `; full log: ${logPath}` : ''),
    );
    this.name = 'ExecError';
  }
  override detailLines(): readonly string[] {
    return this.stderrTail;
  }
}

export class MissingToolError extends UserError {
  constructor(
    readonly tool: string,
    readonly hint: string,
  ) {
    super(`${tool} was not found on PATH; ${hint}`);
    this.name = 'MissingToolError';
  }
}

/**
 * For `.catch()` on a file read: `fallback` when nothing is at the path, the caller having said why
 * absence is normal there; any other failure (EACCES, EISDIR, EIO) propagates. Nothing is there when
 * the path does not exist (ENOENT) or when a folder on the way to it is a file (ENOTDIR from open,
 * stat, unlink); ENOTDIR from reading a folder (scandir) means the path itself is a file, not absent.
 */
export function orIfMissing<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
    if (code === 'ENOENT' || (code === 'ENOTDIR' && syscall !== 'scandir' && syscall !== 'opendir')) return fallback;
    throw error;
  };
}

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
