/**
 * The timer every peer column uses: from starting a command to the first non-empty line it prints
 * on stdout, the moment a user sees the workload start (a warning the tool writes to stderr first
 * must not stop the clock). The command still runs to its end (and must succeed), so that a
 * container is never left behind.
 */
import { run, type RunOptions } from '../../exec/run.ts';
import { UserError } from '../../errors.ts';

export class NoOutputError extends UserError {
  constructor(readonly command: string) {
    super(`${command} succeeded but printed nothing, so no first output could be timed`);
    this.name = 'NoOutputError';
  }
}

export async function timeFirstLine(command: string, args: readonly string[], options: RunOptions): Promise<number> {
  const started = performance.now();
  let first: number | undefined;
  await run(command, args, {
    ...options,
    onStdoutLine: (line) => {
      if (first === undefined && line.trim()) first = performance.now();
    },
  });
  if (first === undefined) throw new NoOutputError([command, ...args].join(' '));
  return first - started;
}

/** Time a whole command (a pull) in milliseconds. */
export async function timeCommand(command: string, args: readonly string[], options: RunOptions): Promise<number> {
  const started = performance.now();
  await run(command, args, options);
  return performance.now() - started;
}
