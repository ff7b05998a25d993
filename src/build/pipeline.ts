/**
 * The steps of build-dockerd as plain async functions over one typed state; src/cli/build-dockerd.ts
 * wraps each in a listr2 task. Kept apart from listr2 so the order of checks (nothing is written
 * before the whole plan is clean) reads in one place and each step can be tested on its own.
 */
import { join } from 'node:path';
import { defaultCacheRoot, obtainCheckout, resolveSource, type Checkout } from '../moby/checkout.ts';
import { assertClean, changedFiles } from '../moby/dirty.ts';
import { assertBaseTag, detectVersion, newestBase, pickBase, type EngineVersion } from '../moby/version.ts';
import { UnsupportedVersionError } from '../moby/errors.ts';
import { readAppliedRecord, type AppliedRecord } from '../patchset/apply.ts';
import { planFull, type FullPlan } from '../patchset/full.ts';
import { loadPatchSet, supportedBases, type PatchSet } from '../patchset/patch-set.ts';
import { planDiff, type FileReader } from '../patchset/plan.ts';
import { baseBlobReader, fullReader, treeReader } from '../patchset/readers.ts';
import { git } from '../exec/git.ts';
import { PatchConflictError } from './errors.ts';
import { stampFor, type Stamp } from './make.ts';
import { formatConflict } from './report.ts';
import { hashChanges, type BuildInputs } from './stamp.ts';
import { baseView, readPrior, type PriorSet } from './upgrade.ts';

export type Strategy = 'diff' | 'full';

export interface BuildOptions {
  moby?: string;
  ref?: string;
  strategy: Strategy;
  outDir: string;
  dryRun: boolean;
  noBuild: boolean;
  force: boolean;
  projectRoot: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface BuildState {
  options: BuildOptions;
  checkout?: Checkout;
  /** The record found in the tree before this run, if any. */
  priorRecord?: AppliedRecord;
  /** Changed files let through by --force. */
  forced: string[];
  engine?: EngineVersion;
  set?: PatchSet;
  plan?: FullPlan;
  /** An earlier applied set that the plan was made without: taken back before the apply. */
  prior?: PriorSet;
  stamp?: Stamp;
}

export function logFileOf(options: BuildOptions): string {
  return join(options.outDir, 'build-dockerd.log');
}

export async function openStep(state: BuildState, signal: AbortSignal, onProgress: (text: string) => void): Promise<Checkout> {
  const { options } = state;
  const source = await resolveSource({
    ...(options.moby !== undefined ? { moby: options.moby } : {}),
    ...(options.ref !== undefined ? { ref: options.ref } : {}),
    cwd: options.cwd,
    cacheRoot: defaultCacheRoot(options.env),
    defaultRef: () => defaultRef(options),
  });
  if (source.kind === 'clone') onProgress(`cloning ${source.from} at ${source.ref} into ${source.dest}`);
  const checkout = await obtainCheckout(source, signal);
  const prior = await readAppliedRecord(checkout.dir);
  state.forced = await assertClean(checkout.dir, prior?.files ?? {}, options.force);
  state.checkout = checkout;
  if (prior) state.priorRecord = prior;
  return checkout;
}

/** Without --moby and --ref, upstream is cloned at the newest tag the project has a patch set for. */
export async function defaultRef(options: BuildOptions): Promise<string> {
  const bases = await supportedBases(options.projectRoot);
  const newest = newestBase(bases);
  if (!newest) throw new UnsupportedVersionError('(any)', bases);
  return newest;
}

export async function detectStep(state: BuildState): Promise<{ engine: EngineVersion; base: string }> {
  const checkout = need(state.checkout);
  const engine = await detectVersion(checkout.dir);
  const base = pickBase(engine.tag, await supportedBases(state.options.projectRoot));
  state.engine = engine;
  return { engine, base };
}

export async function loadStep(state: BuildState, base: string): Promise<PatchSet> {
  const set = await loadPatchSet(state.options.projectRoot, base);
  state.set = set;
  state.stamp = stampFor(need(state.engine).version, need(state.checkout).shortHead, set.manifest.release);
  return set;
}

export async function planStep(state: BuildState, signal: AbortSignal): Promise<FullPlan> {
  const set = need(state.set);
  const dir = need(state.checkout).dir;
  const planOn = async (read: FileReader): Promise<FullPlan> => {
    switch (state.options.strategy) {
      case 'diff':
        return planDiff(set, read, fullReader(set));
      case 'full':
        await assertBaseTag(dir, set.base);
        return planFull(set, await baseBlobReader(dir, set, signal), read, fullReader(set));
    }
  };
  let plan = await planOn(treeReader(dir));
  if (plan.kind === 'conflict' && state.priorRecord) {
    // Maybe only an earlier applied set is in the way: plan on the tree without it.
    const prior = await readPrior(dir, state.priorRecord);
    const again = prior ? await planOn(baseView(prior, treeReader(dir))) : plan;
    if (prior && again.kind !== 'conflict') {
      state.prior = prior;
      plan = again;
    }
  }
  if (plan.kind === 'conflict') throw new PatchConflictError(dir, plan.failures, formatConflict(plan.failures));
  state.plan = plan;
  return plan;
}

/** What the binary in --out must have been built from for the build to be skipped. */
export async function buildInputs(state: BuildState): Promise<BuildInputs> {
  const checkout = need(state.checkout);
  const stamp = need(state.stamp);
  const record = await readAppliedRecord(checkout.dir);
  return {
    head: checkout.head,
    version: stamp.version,
    gitCommit: stamp.gitCommit,
    applied: record ?? null,
    changes: await hashChanges(checkout.dir, await changedFiles(checkout.dir)),
  };
}

/** HEAD's commit time: SOURCE_DATE_EPOCH for a BUILDTIME that does not change between builds. */
export async function headTime(dir: string): Promise<number | undefined> {
  const out = await git(dir).raw(['show', '-s', '--format=%ct', 'HEAD']);
  return Number(out.trim()) || undefined;
}

export function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('build-dockerd step ran before the step it depends on');
  return value;
}
