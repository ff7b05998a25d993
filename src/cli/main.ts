/**
 * argv → command → exit code. Commands are loaded lazily so that `validate-config` does not pay for
 * listr2 and git at start-up. The first Ctrl-C aborts the command's signal (it rolls back and
 * returns); a second one exits at once.
 */
import { UsageError, type ExitCode } from '../errors.ts';
import type { Command, CommandContext } from './command.ts';
import { renderError, unwrapTaskError } from './render.ts';

const commands: Record<string, () => Promise<{ command: Command }>> = {
  'build-dockerd': () => import('./build-dockerd.ts'),
  'export-patches': () => import('./export-patches.ts'),
  'validate-config': () => import('./validate-config.ts'),
  rpm: () => import('./rpm.ts'),
  e2e: () => import('./e2e.ts'),
  bench: () => import('./bench.ts'),
};

export async function main(argv: readonly string[], base: Omit<CommandContext, 'argv' | 'signal'>, signal: AbortSignal): Promise<ExitCode> {
  const [name, ...rest] = argv;
  try {
    const load = name ? commands[name] : undefined;
    if (!load) {
      throw new UsageError(`unknown command "${name ?? ''}"; commands: ${Object.keys(commands).join(', ')}`);
    }
    const { command } = await load();
    return await command({ ...base, argv: rest, signal });
  } catch (error) {
    return renderError(unwrapTaskError(error), base.stderr);
  }
}
