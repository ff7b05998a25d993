/**
 * The only module that starts child processes. Every call names its cwd, may carry a timeout, an
 * abort signal and a log file, and fails with an ExecError that holds the tail of the output.
 * Children run in their own process group so that cancelling kills the whole tree (a Go build
 * spawns compilers that a plain kill of the shell would orphan).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CancelledError, ExecError, MissingToolError } from '../errors.ts';

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Replace the environment instead of extending process.env. */
  extendEnv?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Append interleaved stdout+stderr here, so long builds can be read after the fact. */
  logFile?: string;
  /** Called for each output line (stdout and stderr), for progress display. */
  onLine?: (line: string) => void;
  /** Called for each line of stdout alone: what a program prints, not its warnings and logs. */
  onStdoutLine?: (line: string) => void;
  /** When false, a non-zero exit is returned instead of thrown. */
  reject?: boolean;
  /** How many lines of output an ExecError keeps. */
  tailLines?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const DEFAULT_TAIL = 30;

export async function run(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const tail: string[] = [];
  const keep = options.tailLines ?? DEFAULT_TAIL;
  const display = [command, ...args].join(' ');
  if (options.logFile) await mkdir(dirname(options.logFile), { recursive: true });
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  log?.write(`$ ${display}\n`);

  // Loaded on first use: execa's import costs ~0.5 s under tsx, paid by no-op runs that start nothing.
  const { execa } = await import('execa');
  const child = execa(command, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    all: true,
    reject: false,
    stripFinalNewline: true,
    detached: true,
    cleanup: true,
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });

  let pending = '';
  child.all?.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > keep) tail.shift();
      options.onLine?.(line);
    }
  });

  // stdout alone, split the same way; it also flows into `all` above.
  let pendingOut = '';
  if (options.onStdoutLine) {
    child.stdout?.on('data', (chunk: Buffer) => {
      pendingOut += chunk.toString('utf8');
      const lines = pendingOut.split('\n');
      pendingOut = lines.pop() ?? '';
      for (const line of lines) options.onStdoutLine?.(line);
    });
  }

  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // the group is already gone
    }
  };
  options.signal?.addEventListener('abort', killGroup, { once: true });

  try {
    const result = await child;
    if (pending) {
      tail.push(pending);
      if (tail.length > keep) tail.shift();
      options.onLine?.(pending);
    }
    if (pendingOut) options.onStdoutLine?.(pendingOut);
    if (options.signal?.aborted) throw new CancelledError(display);
    const code = result.exitCode;
    // spawn's ENOENT means the program or the cwd is missing; Node does not say which.
    if (result.code === 'ENOENT') {
      if (!existsSync(options.cwd)) throw new ExecError(display, undefined, [], options.logFile, `could not start: its working folder ${options.cwd} does not exist`);
      throw new MissingToolError(command, `install it and try again`);
    }
    if (result.failed && options.reject !== false) {
      const reason = result.timedOut
        ? `timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)}s`
        : code === undefined
          ? `was killed by ${result.signal ?? 'a signal'}`
          : `exited with code ${code}`;
      throw new ExecError(display, code, [...tail], options.logFile, reason);
    }
    return {
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      exitCode: code ?? -1,
    };
  } finally {
    options.signal?.removeEventListener('abort', killGroup);
    await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
  }
}

/** The path of `tool` on PATH, or undefined. */
export async function which(tool: string): Promise<string | undefined> {
  const result = await run('sh', ['-c', 'command -v "$1"', 'which', tool], {
    cwd: process.cwd(),
    reject: false,
  });
  return result.exitCode === 0 && result.stdout ? result.stdout.trim() : undefined;
}
