/**
 * build-dockerd: open or clone moby → detect its version → load the patch set → plan (printed) →
 * apply → build with hack/make.sh → verify. Two listr2 lists with the plan printed between them,
 * so the plan is plain text whatever the renderer; --dry-run stops after it, --no-build after apply.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ListrTask } from 'listr2';
import { UserError, type ExitCode } from '../errors.ts';
import { oneOf, type FlagValues } from './args.ts';
import { defineCommand, type CommandContext } from './command.ts';
import { createTaskList } from './renderer.ts';
import { unwrapTaskError } from './render.ts';
import { applyPlan, appliedRecordFor, RECORD_FILE } from '../patchset/apply.ts';
import type { FullPlan } from '../patchset/full.ts';
import type { FileWrite } from '../patchset/plan.ts';
import { BuildRolledBackError } from '../build/errors.ts';
import { undoApply } from '../build/undo.ts';
import { putBack, takeBack } from '../build/upgrade.ts';
import { checkGo } from '../build/go.ts';
import { BINARIES, buildDockerd } from '../build/make.ts';
import { buildInputs, detectStep, headTime, loadStep, logFileOf, need, openStep, planStep, type BuildOptions, type BuildState } from '../build/pipeline.ts';
import { projectRoot } from '../build/project.ts';
import { closingLine, formatPlan, isEmptySet, type Outcome } from '../build/report.ts';
import { canonical, hashBinaries, isUpToDate, readStamp, writeStamp } from '../build/stamp.ts';
import { validateExtraStorage, verifyVersion } from '../build/verify.ts';

const SPEC = {
  invocation: 'npm run build-dockerd --',
  name: 'build-dockerd',
  synopsis: '[--moby PATH|URL] [--ref TAG] [--strategy diff|full] [--out DIR] [--dry-run] [--no-build] [--force]',
  summary: [
    'Opens (or clones) the moby tree, detects the engine version and picks patches/<base>/, checks every',
    'hunk before writing anything, applies the patch set atomically, builds dockerd with hack/make.sh',
    'dynbinary and checks the binary. Exit 0 done, 1 patch or build failure, 2 usage or bad input.',
  ].join('\n'),
  options: {
    moby: { type: 'string', value: 'PATH|URL', help: 'an existing checkout (used in place), a bare mirror or a git URL (cloned at --ref into ~/.cache/dockerd-extra); default: upstream moby' },
    ref: { type: 'string', value: 'TAG', help: 'the tag to clone (default: the newest supported tag)' },
    strategy: { type: 'string', value: 'diff|full', help: 'diff (default): apply the patches, with offsets where lines moved; full: rebuild every touched file from the base tag' },
    out: { type: 'string', value: 'DIR', help: 'where dockerd, docker-proxy, build-dockerd.log and build-stamp.json go (default: dist)' },
    'dry-run': { type: 'boolean', help: 'print the plan and write nothing' },
    'no-build': { type: 'boolean', help: 'stop after applying' },
    force: { type: 'boolean', help: 'accept a tree with local changes (a dirty tree is refused)' },
  },
  example: 'npm run build-dockerd -- --moby ~/src/moby',
} as const;

function parseOptions(ctx: CommandContext, values: FlagValues<typeof SPEC.options>): BuildOptions {
  return {
    ...(values.moby !== undefined ? { moby: values.moby } : {}),
    ...(values.ref !== undefined ? { ref: values.ref } : {}),
    strategy: oneOf('strategy', values.strategy, ['diff', 'full'] as const, 'diff'),
    outDir: resolve(ctx.cwd, values.out ?? 'dist'),
    dryRun: values['dry-run'] === true,
    noBuild: values['no-build'] === true,
    force: values.force === true,
    projectRoot: projectRoot(ctx.env, ctx.cwd),
    cwd: ctx.cwd,
    env: ctx.env,
  };
}

interface RunState extends BuildState {
  /** The record file as it was before this run, to put back if the build fails. */
  priorRecordText?: string;
  /** What this run wrote (empty until the apply succeeded). */
  written: FileWrite[];
  failure?: unknown;
  /** The earlier applied set was taken back (put it back if anything fails). */
  tookBack?: boolean;
  upToDate?: boolean;
  binaries?: string[];
  /** Set once a failed build's rollback ran: what it could not restore (empty when all is back). */
  rollbackProblems?: string[];
}

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  const options = parseOptions(ctx, values);
  const state: RunState = { options, forced: [], written: [] };
  const { signal } = ctx;

  await createTaskList<RunState>(
    [
      {
        title: 'Open moby checkout',
        task: async (s, task) => {
          const c = await openStep(s, signal, (text) => (task.output = text));
          const forced = s.forced.length ? ` (--force: ${s.forced.length} local change(s) kept)` : '';
          task.title = `Opened ${c.dir} at ${c.shortHead} (${c.origin})${forced}`;
        },
      },
      {
        title: 'Detect engine version',
        task: async (s, task) => {
          const { engine, base } = await detectStep(s);
          const ahead = engine.ahead ? `, ${engine.ahead} commit(s) past it` : '';
          task.title = `moby ${engine.tag}${ahead} → patch set ${base}`;
          const set = await loadStep(s, base);
          task.title += ` release ${set.manifest.release} (${set.patches.length} patch(es), ${set.fullFiles.length} new file(s))`;
        },
      },
      {
        title: `Plan (${options.strategy} strategy): check every hunk before writing`,
        task: async (s, task) => {
          const plan = await planStep(s, signal);
          task.title = plan.kind === 'apply' ? `Plan: ${plan.writes.length} file(s) to write` : 'Plan: nothing to write';
        },
      },
    ],
    ctx,
  ).run(state);

  const set = need(state.set);
  const plan = need(state.plan);
  const dir = need(state.checkout).dir;
  const prior = state.prior && { base: state.prior.record.base, release: state.prior.record.release, files: state.prior.files.size };
  ctx.stdout.write(formatPlan(set, plan, dir, prior).join('\n') + '\n');
  const label = `patch set ${set.base}-extra.${set.manifest.release}`;
  const writes = plan.kind === 'apply' ? plan.writes.length : 0;
  if (options.dryRun) return finish(ctx, { kind: 'dry-run', treeDir: dir, writes, label });

  state.priorRecordText = await readFile(join(dir, RECORD_FILE), 'utf8').catch(() => undefined);
  try {
    await createTaskList<RunState>(applyAndBuildTasks(options, plan, signal), ctx).run(state);
  } catch (error) {
    const failure = unwrapTaskError(error);
    throw state.rollbackProblems && failure instanceof UserError ? new BuildRolledBackError(failure, state.rollbackProblems) : error;
  }

  if (options.noBuild) return finish(ctx, { kind: 'applied', treeDir: dir, writes: state.written.length, label });
  const version = need(state.stamp).version;
  if (state.upToDate) return finish(ctx, { kind: 'up-to-date', binary: join(options.outDir, 'dockerd'), version });
  return finish(ctx, { kind: 'built', binaries: need(state.binaries), version, logFile: logFileOf(options) });
});

/** Stamp and Go are checked before anything is written, so "no Go" leaves the tree untouched. */
function applyAndBuildTasks(options: BuildOptions, plan: FullPlan, signal: AbortSignal): ListrTask<RunState>[] {
  const dir = (s: RunState) => need(s.checkout).dir;
  const dockerd = join(options.outDir, 'dockerd');
  const changes = plan.kind === 'apply';
  const noBuild = () => (options.noBuild ? '--no-build' : false);
  return [
    {
      title: 'Check the build stamp',
      skip: () => noBuild() || (changes ? 'the patch set changes the tree: build needed' : false),
      task: async (s, task) => {
        const stamp = await readStamp(options.outDir);
        const hashed = await hashBinaries(options.outDir, BINARIES, stamp);
        s.upToDate = isUpToDate(stamp, await buildInputs(s), hashed.binaries);
        // A stamp from before stats were recorded (or after a touch): record them, next time is faster.
        if (s.upToDate && stamp && canonical(stamp.binaryStats) !== canonical(hashed.binaryStats)) await writeStamp(options.outDir, { ...stamp, ...hashed });
        task.title = s.upToDate ? `Up to date: ${dockerd} was built from this tree and patch set` : 'Build needed';
      },
    },
    {
      title: 'Check Go',
      skip: (s) => noBuild() || (s.upToDate ? 'up to date' : false),
      task: async (s, task) => {
        const go = await checkGo(dir(s), options.env, signal);
        task.title = `Go ${go.found ?? '(devel)'} (moby needs ${go.needed ?? 'any'})`;
      },
    },
    {
      title: 'Take back the patch set applied earlier',
      enabled: (s) => s.prior !== undefined,
      task: async (s, task) => {
        await takeBack(dir(s), need(s.prior));
        s.tookBack = true;
        task.title = `Took back ${need(s.prior).record.base} release ${need(s.prior).record.release} (${need(s.prior).files.size} file(s))`;
      },
    },
    {
      title: 'Apply the patch set',
      skip: (s) => (changes ? false : isEmptySet(need(s.set)) ? 'empty patch set: nothing to apply' : 'already applied: nothing to write'),
      task: async (s, task) => {
        if (plan.kind !== 'apply') return;
        try {
          await applyPlan(dir(s), plan, appliedRecordFor(need(s.set), options.strategy, plan), signal, {
            onWritten: (path, done, total) => (task.output = `${done}/${total} ${path}`),
          });
          s.written = plan.writes;
          task.title = `Applied ${plan.writes.length} file(s) to ${dir(s)}`;
        } catch (error) {
          s.failure = error; // applyPlan has restored the tree; the next step says so
          task.title = 'Apply failed';
        }
      },
    },
    {
      title: 'Roll back the apply',
      enabled: (s) => s.failure !== undefined && s.written.length === 0,
      task: async (s) => {
        if (s.tookBack) await putBack(dir(s), need(s.prior));
        throw s.failure;
      },
    },
    {
      title: `Build dockerd with hack/make.sh dynbinary (log: ${logFileOf(options)})`,
      skip: (s) => noBuild() || (s.upToDate ? 'up to date' : false),
      task: async (s, task) => {
        const inputs = await buildInputs(s);
        const epoch = await headTime(dir(s));
        s.binaries = await buildDockerd(dir(s), {
          stamp: need(s.stamp),
          outDir: options.outDir,
          logFile: logFileOf(options),
          env: options.env,
          ...(epoch ? { sourceDateEpoch: epoch } : {}),
          signal,
          onLine: (line) => {
            if (line.trim()) task.output = line; // the simple renderer would print blank lines as "›"
          },
        });
        await writeStamp(options.outDir, { ...inputs, ...(await hashBinaries(options.outDir, BINARIES)) });
        task.title = `Built ${s.binaries.join(', ')}`;
      },
      // listr2 runs this when the build fails or is cancelled, shows it as a rollback, then rethrows
      // the build's error; the command wraps that error with what the rollback left undone.
      rollback: async (s, task) => {
        if (s.written.length === 0) return;
        task.title = 'Build failed: taking back the patch set this run applied';
        const problems = await undoApply(dir(s), s.written, s.priorRecordText);
        if (s.tookBack && problems.length === 0) await putBack(dir(s), need(s.prior));
        s.rollbackProblems = problems;
        task.title = problems.length ? 'Build failed; the roll back left problems (listed below)' : 'Build failed; took back the patch set this run applied';
      },
    },
    {
      title: `Verify ${dockerd}`,
      skip: noBuild,
      task: async (s, task) => {
        const line = await verifyVersion(dockerd, need(s.stamp).version, signal);
        const check = isEmptySet(need(s.set)) ? undefined : await validateExtraStorage(dockerd, signal);
        const extra = check === undefined ? '' : check.kind === 'validated' ? '; extra-storage config validated' : `; --validate skipped: ${check.reason}`;
        task.title = `Verified: ${line}${extra}`;
      },
    },
  ];
}

function finish(ctx: CommandContext, outcome: Outcome): ExitCode {
  ctx.stdout.write(closingLine(outcome) + '\n');
  return 0;
}
