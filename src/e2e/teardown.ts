/**
 * Clean-up that always runs: each resource registers how to release it the moment it exists, and
 * `release()` runs them newest first (daemons stop before their filesystem is unmounted, unmount
 * before the loop device is detached, the temp folder last). A failing step does not stop the others.
 */
export interface TeardownStep {
  name: string;
  release: () => Promise<void>;
}

export class Teardown {
  private readonly steps: TeardownStep[] = [];

  /** Registers a release step; the returned function runs it early (and only once). */
  defer(name: string, release: () => Promise<void>): () => Promise<void> {
    const step: TeardownStep = { name, release };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await release();
    };
  }

  /** Runs every remaining step, newest first; returns the ones that failed. */
  async release(): Promise<string[]> {
    const problems: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.release();
      } catch (error) {
        problems.push(`${step.name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
    return problems;
  }
}
