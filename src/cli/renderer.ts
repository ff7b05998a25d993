/**
 * The one place that decides how listr2 draws: the animated renderer on a terminal, the simple
 * line renderer under CI or when stdout is a pipe, nothing at all under tests that ask for quiet;
 * and the one place that turns declared steps (src/steps.ts) into listr2 tasks.
 */
import { LISTR_LOGGER_STDERR_LEVELS, Listr, ListrLogLevels, ListrLogger, type ListrTask, type LoggerFieldOptions } from 'listr2';
import { isEnabled, type Step, type StepState } from '../steps.ts';
import type { CommandContext } from './command.ts';

export type RendererKind = 'default' | 'simple' | 'silent';

export function pickRenderer(ctx: Pick<CommandContext, 'env' | 'stdout'>): RendererKind {
  if (ctx.env.DOCKERD_EXTRA_QUIET === '1') return 'silent';
  const tty = ctx.stdout.isTTY === true;
  if (!tty || ctx.env.CI) return 'simple';
  return 'default';
}

function createTaskList<C>(
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

/** Run declared steps as a listr2 list; a kept failure is thrown once the onFailure steps ran. */
export async function runStepList<S extends StepState>(steps: readonly Step<S>[], state: S, ctx: Pick<CommandContext, 'env' | 'stdout' | 'signal'>): Promise<S> {
  const tasks = steps.map(
    (step): ListrTask<S> => ({
      title: step.title,
      enabled: (s) => isEnabled(step, s),
      skip: (s) => step.skip?.(s) ?? false,
      exitOnError: step.keepGoing !== true,
      task: async (s, task) => {
        const progress = (line: string) => {
          if (line.trim()) task.output = line; // the simple renderer would print blank lines as "›"
        };
        try {
          const title = await step.run(s, { signal: ctx.signal, progress });
          if (title) task.title = title;
        } catch (error) {
          if (step.keepGoing) s.failure = error;
          throw error;
        }
      },
    }),
  );
  await createTaskList<S>(tasks, ctx).run(state);
  if (state.failure !== undefined) throw state.failure;
  return state;
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
