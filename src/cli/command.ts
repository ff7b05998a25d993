/** What every command receives from src/bin.ts and what it gives back. */
import type { ExitCode } from '../errors.ts';
import { formatHelp, parseCommandArgs, type CommandSpec, type FlagValues } from './args.ts';
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

export interface CommandArgs<S extends CommandSpec> {
  values: FlagValues<S['options']>;
  positionals: string[];
}

/** A command whose flags are `spec`'s: `--help` and `--version` are answered here, exit 0. */
export function defineCommand<S extends CommandSpec>(spec: S, run: (ctx: CommandContext, args: CommandArgs<S>) => Promise<ExitCode>): Command {
  return async (ctx) => {
    const parsed = parseCommandArgs(spec, ctx.argv);
    if (parsed.kind === 'help') ctx.stdout.write(formatHelp(spec));
    // Loaded on use: validate-config's cold start does not pay for reading the project.
    else if (parsed.kind === 'version') ctx.stdout.write(await (await import('./version.ts')).versionText(ctx.env, ctx.cwd));
    else return run(ctx, parsed);
    return 0;
  };
}
