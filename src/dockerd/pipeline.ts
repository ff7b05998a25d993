/**
 * The steps of build-dockerd, declared in order over one typed state (src/steps.ts); the command
 * shows them with listr2 and prints the plan between the two lists. Nothing is written before the
 * whole plan is clean and Go is known to be usable; the tree is changed by one transaction whose
 * rollback is the one rollback step, taken when the build fails or is cancelled.
 */
import { join } from 'node:path';
import { sortedJson } from '../digest.ts';
import { assertNever, UserError } from '../errors.ts';
import { changedFiles } from '../exec/git.ts';
import { defaultCacheRoot, obtainCheckout, resolveSource, type Checkout } from '../moby/checkout.ts';
import { assertClean } from '../moby/dirty.ts';
import type { ChosenSet } from '../moby/lines.ts';
import { detectVersion, type EngineVersion } from '../moby/version.ts';
import { applyPlan, type TreeChange } from '../patchset/apply.ts';
import type { TreePlan } from '../patchset/change.ts';
import { PatchConflictError } from '../patchset/errors.ts';
import { defaultBase, isEmptySet, loadPatchSet, supportedBases, type PatchSet } from '../patchset/patch-set.ts';
import { planTree } from '../patchset/plan-tree.ts';
import { appliedRecordFor, readAppliedRecord, type Strategy } from '../patchset/record.ts';
import { need, type Step } from '../steps.ts';
import { BuildRolledBackError } from './errors.ts';
import { checkGo } from './go.ts';
import { BINARIES, buildDockerd, stampFor, type Stamp } from './make.ts';
import type { BuiltSnapshotter } from './snapshotter.ts';
import { snapshotterSteps } from './snapshotter-steps.ts';
import { hashBinaries, hashChanges, isUpToDate, readStamp, writeStamp, type BuildInputs } from './stamp.ts';
import { validateExtraStorage, verifyVersion } from './verify.ts';

export interface BuildOptions {
  moby?: string;
  ref?: string;
  strategy: Strategy;
  outDir: string;
  dryRun: boolean;
  noBuild: boolean;
  force: boolean;
  /** Build extra-snapshotter too, on the engine lines that use it (false: --no-snapshotter). */
  snapshotter: boolean;
  projectRoot: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface BuildState {
  options: BuildOptions;
  checkout?: Checkout;
  /** Changed files let through by --force. */
  forced: string[];
  engine?: EngineVersion;
  set?: PatchSet;
  plan?: TreePlan;
  stamp?: Stamp;
  upToDate?: boolean;
  /** What this run changed in the tree, until the build has succeeded. */
  change?: TreeChange;
  binaries?: string[];
  snapshotter?: BuiltSnapshotter;
  failure?: unknown;
}

export function logFileOf(options: BuildOptions): string {
  return join(options.outDir, 'build-dockerd.log');
}

/** Open, detect, load and plan: read-only, before the plan is shown. */
export function planSteps(options: BuildOptions): Step<BuildState>[] {
  return [
    {
      title: 'Open moby checkout',
      async run(s, io) {
        const source = await resolveSource({
          ...(options.moby !== undefined ? { moby: options.moby } : {}),
          ...(options.ref !== undefined ? { ref: options.ref } : {}),
          cwd: options.cwd,
          cacheRoot: defaultCacheRoot(options.env),
          defaultRef: () => defaultBase(options.projectRoot),
        });
        if (source.kind === 'clone') io.progress(`cloning ${source.from} at ${source.ref} into ${source.dest}`);
        const c = await obtainCheckout(source, io.signal);
        s.forced = await assertClean(c.dir, (await readAppliedRecord(c.dir))?.files ?? {}, options.force);
        s.checkout = c;
        const forced = s.forced.length ? ` (--force: ${s.forced.length} local change(s) kept)` : '';
        return `Opened ${c.dir} at ${c.shortHead} (${c.origin})${forced}`;
      },
    },
    {
      title: 'Detect engine version',
      async run(s) {
        const checkout = need(s.checkout, 'the checkout');
        const engine = await detectVersion(checkout.dir, await supportedBases(options.projectRoot));
        const set = await loadPatchSet(options.projectRoot, engine.tag);
        Object.assign(s, { engine, set, stamp: stampFor(engine.version, checkout.shortHead, set.manifest.release) });
        const ahead = engine.ahead ? `, ${engine.ahead} commit(s) past it` : '';
        return `moby ${engine.tag}${ahead} → patch set ${set.base} release ${set.manifest.release} (${choiceNote(set.choice)}${set.patches.length} patch(es), ${set.fullFiles.length} new file(s))`;
      },
    },
    {
      title: `Plan (${options.strategy} strategy): check every hunk before writing`,
      async run(s, io) {
        const dir = need(s.checkout, 'the checkout').dir;
        const plan = await planTree(dir, need(s.set, 'the patch set'), options.strategy, io.signal);
        if (plan.kind === 'conflict') throw new PatchConflictError(dir, plan.failures);
        s.plan = plan;
        return plan.kind === 'apply' ? `Plan: ${plan.writes.length} file(s) to write` : 'Plan: nothing to write';
      },
    },
  ];
}

/** A set that is not the tree's own says so: it is the nearest of the line, applied where the lines moved. */
function choiceNote(choice: ChosenSet): string {
  switch (choice.kind) {
    case 'exact':
      return '';
    case 'nearest':
      return `line v${choice.line}'s nearest set, made from ${choice.relation === 'older' ? 'an older' : 'a newer'} release; `;
    default:
      return assertNever(choice);
  }
}

/** Which part of the work a build step is, for a caller that reports per part (the engine matrix). */
export type BuildPhase = 'apply' | 'build' | 'verify';
export type BuildStep = Step<BuildState> & { phase: BuildPhase };

/** Stamp and Go are checked before anything is written, so "no Go" leaves the tree untouched. */
export function buildSteps(options: BuildOptions): BuildStep[] {
  const dir = (s: BuildState) => need(s.checkout, 'the checkout').dir;
  const dockerd = join(options.outDir, 'dockerd');
  const changes = (s: BuildState) => need(s.plan, 'the plan').kind === 'apply';
  const noBuild = () => (options.noBuild ? '--no-build' : false);
  return [
    {
      title: 'Check the build stamp',
      phase: 'build',
      skip: (s) => noBuild() || (changes(s) ? 'the patch set changes the tree: build needed' : false),
      async run(s) {
        const stamp = await readStamp(options.outDir);
        const hashed = await hashBinaries(options.outDir, BINARIES, stamp);
        s.upToDate = isUpToDate(stamp, await buildInputs(s), hashed.binaries);
        // A stamp from before stats were recorded (or after a touch): record them, next time is faster.
        if (s.upToDate && stamp && sortedJson(stamp.binaryStats) !== sortedJson(hashed.binaryStats)) await writeStamp(options.outDir, { ...stamp, ...hashed });
        return s.upToDate ? `Up to date: ${dockerd} was built from this tree and patch set` : 'Build needed';
      },
    },
    {
      title: 'Check Go',
      phase: 'build',
      skip: (s) => noBuild() || (s.upToDate ? 'up to date' : false),
      async run(s, io) {
        const go = await checkGo(dir(s), options.env, io.signal);
        return `Go ${go.found ?? '(devel)'} (moby needs ${go.needed ?? 'any'})`;
      },
    },
    {
      title: 'Apply the patch set',
      phase: 'apply',
      skip: (s) => (changes(s) ? false : isEmptySet(need(s.set, 'the patch set')) ? 'empty patch set: nothing to apply' : 'already applied: nothing to write'),
      async run(s, io) {
        const plan = need(s.plan, 'the plan');
        if (plan.kind !== 'apply') return;
        // One journal: on failure or Ctrl-C here the apply has put the tree back itself.
        s.change = await applyPlan(dir(s), plan, appliedRecordFor(need(s.set, 'the patch set'), options.strategy, plan), io.signal, {
          onWritten: (path, done, total) => io.progress(`${done}/${total} ${path}`),
        });
        const out = plan.takesBack ? `; took back ${plan.takesBack.base} release ${plan.takesBack.release}` : '';
        return `Applied ${plan.writes.length} file(s) to ${dir(s)}${out}`;
      },
    },
    {
      title: `Build dockerd with hack/make.sh dynbinary (log: ${logFileOf(options)})`,
      phase: 'build',
      skip: (s) => noBuild() || (s.upToDate ? 'up to date' : false),
      keepGoing: true,
      async run(s, io) {
        const inputs = await buildInputs(s);
        s.binaries = await buildDockerd(dir(s), {
          stamp: need(s.stamp, 'the stamp'),
          outDir: options.outDir,
          logFile: logFileOf(options),
          env: options.env,
          signal: io.signal,
          onLine: io.progress,
        });
        await writeStamp(options.outDir, { ...inputs, ...(await hashBinaries(options.outDir, BINARIES)) });
        s.change?.commit(); // built: the change is kept, the way back is no longer needed
        return `Built ${s.binaries.join(', ')}`;
      },
    },
    {
      title: 'Roll back what this run changed in the tree',
      phase: 'apply',
      onFailure: true,
      enabled: (s) => s.change !== undefined,
      async run(s) {
        const problems = await need(s.change, 'the tree change').rollback();
        if (s.failure instanceof UserError) s.failure = new BuildRolledBackError(s.failure, problems);
        return problems.length ? 'Build failed; the roll back left problems (listed below)' : 'Build failed; took back the patch set this run applied';
      },
    },
    {
      title: `Verify ${dockerd}`,
      phase: 'verify',
      skip: noBuild,
      async run(s, io) {
        const line = await verifyVersion(dockerd, need(s.stamp, 'the stamp').version, io.signal);
        const check = isEmptySet(need(s.set, 'the patch set')) ? undefined : await validateExtraStorage(dockerd, io.signal);
        const extra = check === undefined ? '' : check.kind === 'validated' ? '; extra-storage config validated' : `; --validate skipped: ${check.reason}`;
        return `Verified: ${line}${extra}`;
      },
    },
    ...snapshotterSteps(options, noBuild),
  ];
}

/** What the binary in --out must have been built from for the build to be skipped. */
export async function buildInputs(state: BuildState): Promise<BuildInputs> {
  const checkout = need(state.checkout, 'the checkout');
  const stamp = need(state.stamp, 'the stamp');
  const record = await readAppliedRecord(checkout.dir);
  return {
    head: checkout.head,
    version: stamp.version,
    gitCommit: stamp.gitCommit,
    applied: record ?? null,
    changes: await hashChanges(checkout.dir, await changedFiles(checkout.dir)),
  };
}
