/**
 * The one place that decides how listr2 draws: the animated renderer on a terminal, the simple
 * line renderer under CI or when stdout is a pipe, nothing at all under tests that ask for quiet.
 */
import { LISTR_LOGGER_STDERR_LEVELS, Listr, ListrLogLevels, ListrLogger, type ListrTask, type LoggerFieldOptions } from 'listr2';
import type { CommandContext } from './command.ts';

export type RendererKind = 'default' | 'simple' | 'silent';

export function pickRenderer(ctx: Pick<CommandContext, 'env' | 'stdout'>): RendererKind {
  if (ctx.env.DOCKERD_EXTRA_QUIET === '1') return 'silent';
  const tty = ctx.stdout.isTTY === true;
  if (!tty || ctx.env.CI) return 'simple';
  return 'default';
}

export function createTaskList<C>(
  tasks: ListrTask<C>[],
  ctx: Pick<CommandContext, 'env' | 'stdout'>,
): Listr<C> {
  const renderer = pickRenderer(ctx);
  const simple = { timer: undefined, logger: new TaskLineLogger({ useIcons: true, toStderr: LISTR_LOGGER_STDERR_LEVELS }) };
  return new Listr<C>(tasks, {
    renderer,
    fallbackRenderer: 'simple',
    exitOnError: true,
    registerSignalListeners: false,
    rendererOptions: renderer === 'simple' ? simple : { collapseSubtasks: false },
    fallbackRendererOptions: simple,
  } as ConstructorParameters<typeof Listr<C>>[1]);
}

/**
 * The line renderer's logger, minus the error text it appends to a failed task's line
 * ("✖ Open moby checkout [FAILED: …]"): the command's edge prints that error once, with its details.
 */
class TaskLineLogger extends ListrLogger<ListrLogLevels> {
  override log(level: ListrLogLevels, message: string | unknown[], options?: LoggerFieldOptions): void {
    super.log(level, message as string, level === ListrLogLevels.FAILED && options ? { ...options, suffix: undefined } : options);
  }
}
