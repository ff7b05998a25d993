/**
 * rpm: docker-ce RPMs of the patched engine, built by docker-ce-packaging's own spec. The steps are
 * src/rpm/pipeline.ts; this file parses the flags, shows the steps with listr2, and prints what was
 * built (rpm -qpi, the file list, the packaged dockerd --version) and one closing line.
 */
import { join } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { run } from '../exec/run.ts';
import { PACKAGE_ROOT, projectRoot } from '../project.ts';
import { defaultCacheRoot } from '../moby/checkout.ts';
import { initialState, STEPS, type Mode, type RpmRequest, type RpmState } from '../rpm/pipeline.ts';
import type { RpmFacts } from '../rpm/verify.ts';
import { parseCommandArgs } from './args.ts';
import type { Command, CommandContext } from './command.ts';
import { runStepList } from './renderer.ts';

const FLAGS = {
  moby: { type: 'string' },
  packaging: { type: 'string' },
  distro: { type: 'string' },
  native: { type: 'boolean' },
  container: { type: 'boolean' },
  out: { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** Neither flag: the packaging containers when an engine answers, else rpmbuild on this host. */
async function pickMode(native: boolean, container: boolean, ctx: CommandContext): Promise<Mode> {
  if (native && container) throw new UsageError('rpm: --native and --container exclude each other; pass one of them');
  if (native) return 'native';
  if (container) return 'container';
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { cwd: ctx.cwd, reject: false, timeoutMs: 10_000 }).catch(() => undefined);
  return info?.exitCode === 0 && info.stdout.trim() ? 'container' : 'native';
}

async function parseRequest(ctx: CommandContext): Promise<RpmRequest> {
  const { values } = parseCommandArgs('rpm', ctx.argv, FLAGS);
  return {
    ...(values.moby !== undefined ? { moby: values.moby } : {}),
    ...(values.packaging !== undefined ? { packaging: values.packaging } : {}),
    distro: values.distro ?? 'centos-9',
    mode: await pickMode(values.native === true, values.container === true, ctx),
    out: values.out ?? 'dist/rpm',
    force: values.force === true,
    cwd: ctx.cwd,
    projectRoot: projectRoot(ctx.env, ctx.cwd),
    projectRpmDir: join(PACKAGE_ROOT, 'rpm'),
    cacheDir: defaultCacheRoot(ctx.env),
    tiniStatic: ctx.env.DOCKERD_EXTRA_TINI_STATIC ?? '/usr/bin/tini-static',
    uid: process.getuid?.() ?? -1,
  };
}

function describeRpm(facts: RpmFacts): string {
  const mib = (facts.size / (1024 * 1024)).toFixed(1);
  return `${facts.name}  ${facts.version}-${facts.release}  ${facts.arch}  ${mib} MiB  ${facts.path}`;
}

function report(state: RpmState): string[] {
  const lines = ['', 'Built:', ...state.rpms.map((r) => `  ${describeRpm(r)}`)];
  const binary = state.rpms.find((r) => !r.source && r.dockerdVersion !== undefined);
  if (binary) {
    lines.push('', `rpm -qpi ${binary.path}`, ...binary.info.trimEnd().split('\n').map((l) => `  ${l}`));
    lines.push('', `rpm -qpl ${binary.path}`, ...binary.files.map((f) => `  ${f}`));
    lines.push('', `packaged dockerd --version: ${binary.dockerdVersion}`);
  }
  if (state.wroteOutside.length) {
    lines.push('', `written outside ${state.layout.out} during the build, discarded with its private mount namespace:`);
    lines.push(...state.wroteOutside.map((p) => `  ${p}`));
  }
  return lines;
}

export const command: Command = async (ctx): Promise<ExitCode> => {
  const request = await parseRequest(ctx);
  const state = await runStepList(STEPS, initialState(request), ctx);
  ctx.stdout.write(report(state).join('\n') + '\n');
  const paths = state.rpms.map((r) => r.path).join(' ');
  // An empty patch set builds a stock engine with our version stamp: say so rather than "patched".
  const what = state.staged?.patch.empty ? 'the engine (empty patch set: nothing of ours in dockerd)' : 'the patched engine';
  ctx.stdout.write(`\n${state.rpms.length} RPM(s) of ${what} built (${request.mode}) and verified: ${paths}\n`);
  return 0;
};
