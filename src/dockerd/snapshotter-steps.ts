/**
 * build-dockerd's steps for extra-snapshotter, after dockerd's own (src/dockerd/pipeline.ts): built on
 * the engine lines that use it unless --no-snapshotter, then run once. A failure here leaves the
 * built dockerd and the patched tree as they are: they are good, and the error says how to go on.
 */
import { join } from 'node:path';
import { need } from '../steps.ts';
import type { BuildOptions, BuildState, BuildStep } from './pipeline.ts';
import { buildSnapshotter, chooseSnapshotter, snapshotterLogOf, verifySnapshotter, SNAPSHOTTER, type SnapshotterChoice } from './snapshotter.ts';
import { recordSnapshotter } from './stamp.ts';

/** Whether this build makes extra-snapshotter: by the tree's engine line and --no-snapshotter. */
export function snapshotterChoice(state: BuildState): SnapshotterChoice {
  const engine = need(state.engine, 'the engine version');
  return chooseSnapshotter(Number(engine.version.split('.')[0]), state.options.snapshotter);
}

/** extra-snapshotter's build and check, after dockerd's: its failure leaves the built dockerd and the tree as they are. */
export function snapshotterSteps(options: BuildOptions, noBuild: () => string | false): BuildStep[] {
  const skip = (s: BuildState) => {
    const choice = snapshotterChoice(s);
    return noBuild() || (choice.kind === 'skip' ? `no extra-snapshotter: ${choice.reason}` : false);
  };
  return [
    {
      title: `Build extra-snapshotter from snapshotter/ (log: ${snapshotterLogOf(options.outDir)})`,
      phase: 'build',
      skip,
      async run(s, io) {
        const built = await buildSnapshotter({
          projectRoot: options.projectRoot,
          outDir: options.outDir,
          logFile: snapshotterLogOf(options.outDir),
          env: options.env,
          signal: io.signal,
          onLine: io.progress,
        });
        await recordSnapshotter(options.outDir, built.binary);
        s.snapshotter = built;
        return built.replaced ? `Built ${built.binary}` : `Built ${built.binary} (unchanged: the binary there was kept)`;
      },
    },
    {
      title: `Verify ${join(options.outDir, SNAPSHOTTER)}`,
      phase: 'verify',
      // Shown only when built: the build step said once why there is none.
      enabled: (s) => s.snapshotter !== undefined,
      async run(s, io) {
        return `Verified: ${await verifySnapshotter(need(s.snapshotter, 'the snapshotter').binary, io.signal)}`;
      },
    },
  ];
}
