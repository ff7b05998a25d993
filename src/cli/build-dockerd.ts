/**
 * build-dockerd: open or clone moby → detect its version → load the patch set → plan (printed) →
 * apply → build with hack/make.sh → verify. Two listr2 lists with the plan printed between them,
 * so the plan is plain text whatever the renderer; --dry-run stops after it, --no-build after apply.
 */
import { join, resolve } from 'node:path';
import type { ListrTaskWrapper } from 'listr2';
import type { ExitCode } from '../errors.ts';
import { parseCommandArgs, oneOf } from './args.ts';
import type { Command, CommandContext } from './command.ts';
import { createTaskList } from './renderer.ts';
import { applyPlan, appliedRecordFor } from '../patchset/apply.ts';
import { checkGo } from '../build/go.ts';
import { BINARIES, buildDockerd } from '../build/make.ts';
import { buildInputs, detectStep, headTime, loadStep, logFileOf, need, openStep, planStep, type BuildOptions, type BuildState } from '../build/pipeline.ts';
import { projectRoot } from '../build/project.ts';
import { closingLine, formatPlan, isEmptySet, type Outcome } from '../build/report.ts';
import { hashBinaries, isUpToDate, readStamp, writeStamp, type BuildInputs } from '../build/stamp.ts';
import { validateExtraStorage, verifyVersion } from '../build/verify.ts';

const FLAGS = {
  moby: { type: 'string' },
  ref: { type: 'string' },
  strategy: { type: 'string' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-build': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

function parseOptions(ctx: CommandContext): BuildOptions {
  const { values } = parseCommandArgs('build-dockerd', ctx.argv, FLAGS);
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

interface Late extends BuildState {
  applyError?: unknown;
  written: number;
  inputs?: BuildInputs;
  upToDate?: boolean;
  binaries?: string[];
}

type Task = ListrTaskWrapper<Late, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const command: Command = async (ctx): Promise<ExitCode> => {
  const options = parseOptions(ctx);
  const state: Late = { options, forced: [], written: 0 };
  const { signal } = ctx;

  await createTaskList<Late>(
    [
      {
        title: 'Open moby checkout',
        task: async (s, task: Task) => {
          const c = await openStep(s, signal, (text) => (task.output = text));
          const forced = s.forced.length ? ` (--force: ${s.forced.length} local change(s) kept)` : '';
          task.title = `Opened ${c.dir} at ${c.shortHead} (${c.origin})${forced}`;
        },
      },
      {
        title: 'Detect engine version',
        task: async (s, task: Task) => {
          const { engine, base } = await detectStep(s);
          const ahead = engine.ahead ? `, ${engine.ahead} commit(s) past it` : '';
          task.title = `moby ${engine.tag}${ahead} → patch set ${base}`;
          const set = await loadStep(s, base);
          task.title += ` release ${set.manifest.release} (${set.patches.length} patch(es), ${set.fullFiles.length} new file(s))`;
        },
      },
      {
        title: `Plan (${options.strategy} strategy): check every hunk before writing`,
        task: async (s, task: Task) => {
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
  ctx.stdout.write(formatPlan(set, plan, dir).join('\n') + '\n');
  const label = `patch set ${set.base}-extra.${set.manifest.release}`;
  const writes = plan.kind === 'apply' ? plan.writes.length : 0;
  if (options.dryRun) return finish(ctx, { kind: 'dry-run', treeDir: dir, writes, label });

  await createTaskList<Late>(
    [
      {
        title: 'Apply the patch set',
        skip: () => (plan.kind === 'apply' ? false : isEmptySet(set) ? 'empty patch set: nothing to apply' : 'already applied: nothing to write'),
        task: async (s, task: Task) => {
          if (plan.kind !== 'apply') return;
          try {
            await applyPlan(dir, plan, appliedRecordFor(set, options.strategy, plan), signal, {
              onWritten: (path, done, total) => (task.output = `${done}/${total} ${path}`),
            });
            s.written = plan.writes.length;
            task.title = `Applied ${plan.writes.length} file(s) to ${dir}`;
          } catch (error) {
            s.applyError = error; // reported by the rollback step, so the user sees it happened
            task.title = 'Apply failed';
          }
        },
      },
      {
        title: 'Roll back',
        enabled: (s) => s.applyError !== undefined,
        task: (s) => {
          throw s.applyError;
        },
      },
      ...buildTasks(options, signal),
    ],
    ctx,
  ).run(state);

  if (options.noBuild) return finish(ctx, { kind: 'applied', treeDir: dir, writes: state.written, label });
  const version = need(state.stamp).version;
  if (state.upToDate) return finish(ctx, { kind: 'up-to-date', binary: join(options.outDir, 'dockerd'), version });
  return finish(ctx, { kind: 'built', binaries: need(state.binaries), version, logFile: logFileOf(options) });
};

function buildTasks(options: BuildOptions, signal: AbortSignal) {
  const dockerd = join(options.outDir, 'dockerd');
  const skipBuild = () => (options.noBuild ? '--no-build' : false);
  return [
    {
      title: 'Check the build stamp',
      skip: skipBuild,
      task: async (s: Late, task: Task) => {
        s.inputs = await buildInputs(s);
        s.upToDate = isUpToDate(await readStamp(options.outDir), s.inputs, await hashBinaries(options.outDir, BINARIES));
        task.title = s.upToDate ? `Up to date: ${dockerd} was built from this tree and patch set` : 'Build needed';
      },
    },
    {
      title: 'Check Go',
      skip: (s: Late) => skipBuild() || (s.upToDate ? 'up to date' : false),
      task: async (s: Late, task: Task) => {
        const go = await checkGo(need(s.checkout).dir, options.env, signal);
        task.title = `Go ${go.found ?? '(devel)'} (moby needs ${go.needed ?? 'any'})`;
      },
    },
    {
      title: `Build dockerd with hack/make.sh dynbinary (log: ${logFileOf(options)})`,
      skip: (s: Late) => skipBuild() || (s.upToDate ? 'up to date' : false),
      task: async (s: Late, task: Task) => {
        const checkout = need(s.checkout);
        const epoch = await headTime(checkout.dir);
        s.binaries = await buildDockerd(checkout.dir, {
          stamp: need(s.stamp),
          outDir: options.outDir,
          logFile: logFileOf(options),
          env: options.env,
          ...(epoch ? { sourceDateEpoch: epoch } : {}),
          signal,
          onLine: (line) => (task.output = line),
        });
        await writeStamp(options.outDir, { ...need(s.inputs), binaries: await hashBinaries(options.outDir, BINARIES) });
        task.title = `Built ${s.binaries.join(', ')}`;
      },
    },
    {
      title: `Verify ${dockerd}`,
      skip: skipBuild,
      task: async (s: Late, task: Task) => {
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
