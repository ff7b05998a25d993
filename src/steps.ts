/**
 * The one shape of a command's steps (build-dockerd, rpm): declared in order over one typed state,
 * shown with listr2 by src/cli/renderer.ts, or run bare by runSteps() in tests and scripts. A step
 * that may fail after the tree was changed says `keepGoing`: its error is kept in the state and the
 * `onFailure` steps (the rollback) run before the error goes up.
 */
export interface StepIO {
  signal: AbortSignal;
  /** One line of progress under the step's title. */
  progress(line: string): void;
}

export interface StepState {
  /** The error of a keepGoing step, rethrown once the onFailure steps have run. */
  failure?: unknown;
}

export interface Step<S extends StepState> {
  title: string;
  /** Asked when the step's turn comes: false hides the step. */
  enabled?: (state: S) => boolean;
  /** The reason the user reads for not running the step, or false to run it. */
  skip?: (state: S) => string | false;
  /** On failure, keep going to the onFailure steps instead of stopping at once. */
  keepGoing?: boolean;
  /** Runs only after a keepGoing step failed (and then it is the only kind that runs). */
  onFailure?: boolean;
  /** Does the work; returns the title to show once done when it says more than `title`. */
  run(state: S, io: StepIO): Promise<string | void>;
}

/** Whether a step is shown at all, given what failed so far. */
export function isEnabled<S extends StepState>(step: Step<S>, state: S): boolean {
  const failed = state.failure !== undefined;
  return (step.onFailure === true) === failed && (step.enabled?.(state) ?? true);
}

/** A value an earlier step puts in the state; its absence is a bug in the step order. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal: ${what} is not known yet (a step ran before the one it depends on)`);
  return value;
}

/** Every step in order without a display; throws the kept failure at the end. */
export async function runSteps<S extends StepState>(steps: readonly Step<S>[], state: S, io: StepIO): Promise<S> {
  for (const step of steps) {
    if (!isEnabled(step, state) || step.skip?.(state)) continue;
    try {
      await step.run(state, io);
    } catch (error) {
      if (!step.keepGoing) throw error;
      state.failure = error;
    }
  }
  if (state.failure !== undefined) throw state.failure;
  return state;
}
