/**
 * build-dockerd: open or clone moby → detect its version → load the patch set → plan (printed) →
 * apply → build with hack/make.sh → verify. The steps are declared in src/dockerd/pipeline.ts and
 * shown as two listr2 lists with the plan printed between them, so the plan is plain text whatever
 * the renderer; --dry-run stops after it, --no-build after apply.
 */
import { join, resolve } from 'node:path';
import type { ExitCode } from '../errors.ts';
import { buildSteps, logFileOf, planSteps, type BuildOptions, type BuildState } from '../dockerd/pipeline.ts';
import { snapshotterLogOf } from '../dockerd/snapshotter.ts';
import { projectRoot } from '../project.ts';
import { need } from '../steps.ts';
import { oneOf, type FlagValues } from './args.ts';
import { defineCommand, type CommandContext } from './command.ts';
import { closingLine, formatPlan, type Outcome } from './messages.ts';
import { runStepList } from './renderer.ts';

const SPEC = {
  invocation: 'npm run build-dockerd --',
  name: 'build-dockerd',
  synopsis: '[--moby PATH|URL] [--ref TAG] [--strategy diff|full] [--out DIR] [--dry-run] [--no-build] [--no-snapshotter] [--force]',
  summary: [
    'Opens (or clones) the moby tree, detects the engine version and picks the set of its tag, or the',
    'nearest set of its engine line (v28.x.y, docker-v29.x.y; see --version), checks every hunk',
    'before writing anything, applies the patch set atomically, builds dockerd with hack/make.sh',
    'dynbinary and checks the binary; for docker-v29 trees it also builds and checks extra-snapshotter',
    "(the containerd image store's snapshotter) from the project's snapshotter/ module. Exit 0 done,",
    "1 patch or build failure, 2 usage or bad input (and a missing file of the project's own, or an",
    'internal error).',
  ].join('\n'),
  options: {
    moby: { type: 'string', value: 'PATH|URL', help: 'an existing checkout (used in place), a bare mirror or a git URL (cloned at --ref into ~/.cache/dockerd-extra); default: upstream moby' },
    ref: { type: 'string', value: 'TAG', help: 'the tag to clone (default: the newest supported tag)' },
    strategy: { type: 'string', value: 'diff|full', help: "diff (default): apply the patches, with offsets where lines moved; full: rebuild every touched file from HEAD's copy, which must be the set's base file" },
    out: { type: 'string', value: 'DIR', help: 'where dockerd, docker-proxy, extra-snapshotter, their logs and build-stamp.json go (default: dist)' },
    'dry-run': { type: 'boolean', help: 'print the plan and write nothing' },
    'no-build': { type: 'boolean', help: 'stop after applying' },
    'no-snapshotter': { type: 'boolean', help: 'do not build extra-snapshotter (docker-v29 trees build it next to dockerd; v28 trees never do)' },
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
    snapshotter: values['no-snapshotter'] !== true,
    projectRoot: projectRoot(ctx.env, ctx.cwd),
    cwd: ctx.cwd,
    env: ctx.env,
  };
}

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  const options = parseOptions(ctx, values);
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
  const snapshotter = state.snapshotter ? { snapshotter: { binary: state.snapshotter.binary, logFile: snapshotterLogOf(options.outDir) } } : {};
  if (state.upToDate) return finish(ctx, { kind: 'up-to-date', binary: join(options.outDir, 'dockerd'), version, ...snapshotter });
  return finish(ctx, { kind: 'built', binaries: need(state.binaries, 'the binaries'), version, logFile: logFileOf(options), ...snapshotter });
});

function finish(ctx: CommandContext, outcome: Outcome): ExitCode {
  ctx.stdout.write(closingLine(outcome) + '\n');
  return 0;
}
