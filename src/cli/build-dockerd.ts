/**
 * build-dockerd: open or clone moby → detect its version → load the patch set → plan (printed) →
 * apply → build with hack/make.sh → verify. The steps are declared in src/dockerd/pipeline.ts and
 * shown as two listr2 lists with the plan printed between them, so the plan is plain text whatever
 * the renderer; --dry-run stops after it, --no-build after apply.
 */
import { join, resolve } from 'node:path';
import type { ExitCode } from '../errors.ts';
import { buildSteps, logFileOf, planSteps, type BuildOptions, type BuildState } from '../dockerd/pipeline.ts';
import { projectRoot } from '../project.ts';
import { need } from '../steps.ts';
import { parseCommandArgs, oneOf } from './args.ts';
import type { Command, CommandContext } from './command.ts';
import { BUILD_USAGE, closingLine, formatPlan, type Outcome } from './messages.ts';
import { runStepList } from './renderer.ts';

const FLAGS = {
  moby: { type: 'string' },
  ref: { type: 'string' },
  strategy: { type: 'string' },
  out: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-build': { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
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

export const command: Command = async (ctx): Promise<ExitCode> => {
  if (ctx.argv.includes('--help') || ctx.argv.includes('-h')) {
    ctx.stdout.write(BUILD_USAGE);
    return 0;
  }
  const options = parseOptions(ctx);
  const state: BuildState = { options, forced: [] };
  await runStepList(planSteps(options), state, ctx);

  const set = need(state.set, 'the patch set');
  const plan = need(state.plan, 'the plan');
  const dir = need(state.checkout, 'the checkout').dir;
  ctx.stdout.write(formatPlan(set, plan, dir).join('\n') + '\n');
  const label = `patch set ${set.base}-extra.${set.manifest.release}`;
  const writes = plan.kind === 'apply' ? plan.writes.length : 0;
  if (options.dryRun) return finish(ctx, { kind: 'dry-run', treeDir: dir, writes, label });

  await runStepList(buildSteps(options), state, ctx);
  if (options.noBuild) return finish(ctx, { kind: 'applied', treeDir: dir, writes: state.change?.writes.length ?? 0, label });
  const version = need(state.stamp, 'the stamp').version;
  if (state.upToDate) return finish(ctx, { kind: 'up-to-date', binary: join(options.outDir, 'dockerd'), version });
  return finish(ctx, { kind: 'built', binaries: need(state.binaries, 'the binaries'), version, logFile: logFileOf(options) });
};

function finish(ctx: CommandContext, outcome: Outcome): ExitCode {
  ctx.stdout.write(closingLine(outcome) + '\n');
  return 0;
}
