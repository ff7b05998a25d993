/** What every command receives from src/bin.ts and what it gives back. */
import type { ExitCode } from '../errors.ts';
import type { Output } from './output.ts';

export interface CommandContext {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream;
  /** Aborted on the first Ctrl-C: commands roll back and return. */
  signal: AbortSignal;
}

export type Command = (ctx: CommandContext) => Promise<ExitCode>;
