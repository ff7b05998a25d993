/**
 * The one place that decides how listr2 draws: the animated renderer on a terminal, the simple
 * line renderer under CI or when stdout is a pipe, nothing at all under tests that ask for quiet.
 */
import { Listr, type ListrTask } from 'listr2';
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
  return new Listr<C>(tasks, {
    renderer,
    fallbackRenderer: 'simple',
    exitOnError: true,
    registerSignalListeners: false,
    rendererOptions: { collapseSubtasks: false },
    fallbackRendererOptions: { timer: undefined },
  } as ConstructorParameters<typeof Listr<C>>[1]);
}
