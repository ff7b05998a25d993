/**
 * One tag of the matrix, in the shared work tree: check it out, plan (the dry run), apply and build
 * with build-dockerd's own steps, `dockerd --version`, `dockerd --validate` of a config with
 * extra-storage, and with --e2e the whole e2e. A failure ends the tag (with --keep-going, the checks
 * of a built binary still run) and becomes its row's verdict; it never stops the matrix. How the
 * steps are shown is the caller's (`show`): listr2 for the command, runSteps in tests.
 */
import { join } from 'node:path';
import { buildSteps, planSteps, type BuildOptions, type BuildPhase, type BuildState } from '../dockerd/pipeline.ts';
import { validateExtraStorage, verifyVersion } from '../dockerd/verify.ts';
import type { E2eEvent } from '../e2e/results.ts';
import { isEmptySet } from '../patchset/patch-set.ts';
import { need, type Step } from '../steps.ts';
import { E2eFailedError, ExtraStorageMissingError } from './errors.ts';
import { failureText, newRow, offsetsOf, withFailure, withStage, type MatrixRow, type Stage } from './row.ts';
import { checkoutTag } from './work-tree.ts';

export type ShowSteps = (steps: readonly Step<BuildState>[], state: BuildState) => Promise<unknown>;

export interface TagRunOptions {
  tag: string;
  /** The shared work tree. */
  tree: string;
  /** This tag's folder for dockerd, docker-proxy and the build log. */
  outDir: string;
  projectRoot: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  planOnly: boolean;
  e2e: boolean;
  keepGoing: boolean;
  busybox: string;
  signal: AbortSignal;
  show: ShowSteps;
  onE2eEvent: (event: E2eEvent) => void;
}

const STAGE_OF: Record<BuildPhase, Stage> = { apply: 'apply', build: 'build', verify: 'build' };

export async function runTag(o: TagRunOptions): Promise<MatrixRow> {
  const started = performance.now();
  const state: BuildState = { options: buildOptionsFor(o), forced: [] };
  const row = await runStages(o, state);
  // Whatever stopped the tag: the set chosen and the plan's offsets, as far as they are known.
  return { ...row, set: state.set?.base ?? null, offsets: offsetsOf(state.plan) ?? null, seconds: (performance.now() - started) / 1000 };
}

/** The stages in order; every failure is caught here and recorded on the stage it happened in. */
async function runStages(o: TagRunOptions, state: BuildState): Promise<MatrixRow> {
  let row = newRow(o.tag, { e2e: o.e2e, out: o.planOnly ? null : o.outDir });
  let stage: Stage = 'apply';
  const attempt = async (steps: readonly Step<BuildState>[]): Promise<boolean> => {
    try {
      await o.show(steps, state);
      return true;
    } catch (error) {
      row = withFailure(row, stage, failureText(error));
      return false;
    }
  };

  if (!(await attempt([checkoutStep(o), ...planSteps(state.options)]))) return row;
  if (o.planOnly) return withStage(row, 'apply', 'planned');

  // build-dockerd's own steps but its Verify: the matrix checks version and validate apart.
  const tracked = buildSteps(state.options)
    .filter((step) => step.phase !== 'verify')
    .map((step): Step<BuildState> => ({
      ...step,
      run(s, io) {
        if (!step.onFailure) stage = STAGE_OF[step.phase]; // the rollback does not move the blame
        return step.run(s, io);
      },
    }));
  const built = await attempt(tracked);
  if (state.change !== undefined || built) row = withStage(row, 'apply', 'ok');
  if (!built) return row;
  row = withStage(row, 'build', 'ok');

  const dockerd = join(o.outDir, 'dockerd');
  stage = 'build';
  const versioned = await attempt([versionStep(dockerd)]);
  if (!versioned && !o.keepGoing) return row;
  stage = 'validate';
  const validated = await attempt([validateStep(dockerd)]);
  if (validated) row = withStage(row, 'validate', isEmptySet(need(state.set, 'the patch set')) ? 'skipped' : 'ok');
  if (!o.e2e || ((!versioned || !validated) && !o.keepGoing)) return row;
  stage = 'e2e';
  return (await attempt([e2eStep(o, dockerd)])) ? withStage(row, 'e2e', 'ok') : row;
}

function buildOptionsFor(o: TagRunOptions): BuildOptions {
  return { moby: o.tree, ref: o.tag, strategy: 'diff', outDir: o.outDir, dryRun: o.planOnly, noBuild: false, force: false, snapshotter: false, projectRoot: o.projectRoot, cwd: o.cwd, env: o.env };
}

function checkoutStep(o: TagRunOptions): Step<BuildState> {
  return {
    title: `Check out ${o.tag} (checkout --force, clean -ffdx)`,
    async run(_s, io) {
      await checkoutTag(o.tree, o.tag, io.signal);
      return `Checked out ${o.tag} in ${o.tree}`;
    },
  };
}

function versionStep(dockerd: string): Step<BuildState> {
  return {
    title: `${dockerd} --version`,
    async run(s, io) {
      return `dockerd --version: ${await verifyVersion(dockerd, need(s.stamp, 'the stamp').version, io.signal)}`;
    },
  };
}

/** An empty set builds a stock dockerd: nothing to validate. A non-empty set must show in the binary. */
function validateStep(dockerd: string): Step<BuildState> {
  return {
    title: `${dockerd} --validate of a config with extra-storage`,
    async run(s, io) {
      const check = await validateExtraStorage(dockerd, io.signal);
      if (check.kind === 'validated') return 'dockerd --validate accepts a config with extra-storage';
      if (!isEmptySet(need(s.set, 'the patch set'))) throw new ExtraStorageMissingError(dockerd, check.reason);
      return `--validate skipped: ${check.reason}`;
    },
  };
}

function e2eStep(o: TagRunOptions, dockerd: string): Step<BuildState> {
  return {
    title: `e2e of ${dockerd} (a long run)`,
    async run(_s, io) {
      const { runE2e } = await import('../e2e/run-e2e.ts'); // loaded on use: most runs have no --e2e
      const { results, logDir } = await runE2e({ moby: o.tree, dockerd, keep: false, busybox: o.busybox, signal: io.signal, onEvent: o.onE2eEvent });
      if (results.failed > 0 || results.passed === 0) throw new E2eFailedError(results.passed, results.failed, logDir);
      return `e2e: ${results.passed} passed`;
    },
  };
}
