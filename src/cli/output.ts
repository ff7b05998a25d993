/**
 * Where a command prints. Most commands get process.stdout/stderr; the validate-config bundle gets
 * fdOutput, because building process.stdout loads node:stream and its helpers, about 5 ms of a
 * 60 ms run, for a command that prints a few lines.
 */
import { writeSync } from 'node:fs';

export interface Output {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

/**
 * Writes with write(2) straight to `fd`. A non-blocking fd that is full (EAGAIN) hands the rest of this
 * chunk and everything after it to the stream `fallback()` builds, so nothing is lost or reordered. Any
 * other failure (EPIPE from `validate-config x | head -1`, ENOSPC) goes to `onError` once, and later
 * text is dropped: the caller decides whether that is quiet (a reader that went away) or an error.
 */
export function fdOutput(
  fd: number,
  fallback: () => Output,
  onError: (error: NodeJS.ErrnoException) => void,
  write: (fd: number, bytes: Uint8Array, offset: number) => number = writeSync,
): Output {
  let stream: Output | undefined;
  let closed = false;
  return {
    write(chunk: string | Uint8Array) {
      if (closed) return false;
      if (stream) return stream.write(chunk);
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let done = 0;
      try {
        while (done < bytes.length) done += write(fd, bytes, done);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
          closed = true;
          onError(error as NodeJS.ErrnoException);
          return false;
        }
        stream = fallback();
        return stream.write(bytes.subarray(done));
      }
      return true;
    },
  };
}

/**
 * The handler for a stdout that fails: a reader that went away (EPIPE, `| head -1`) ends the run
 * quietly with the exit code so far; anything else (ENOSPC: a full disk) is said once, exit 2.
 */
export function exitOnStdoutError(stderr: Output, exit: (code: number) => void = process.exit): (error: NodeJS.ErrnoException) => void {
  return (error) => {
    if (error.code !== 'EPIPE') stderr.write(`error: cannot write to stdout (${error.code ?? error.message}); check where the output goes\n`);
    exit(error.code === 'EPIPE' ? Number(process.exitCode ?? 1) : 2);
  };
}
