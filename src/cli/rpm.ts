/**
 * rpm: docker-ce RPMs of the patched engine, built by docker-ce-packaging's own spec. The steps are
 * src/rpm/pipeline.ts; this file parses the flags, shows the steps with listr2, and prints what was
 * built (rpm -qpi, the file list, what it requires, the packaged dockerd --version) and one closing line.
 */
import { join } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { PACKAGE_ROOT, projectRoot } from '../project.ts';
import { defaultCacheRoot } from '../moby/checkout.ts';
import { engineVersion } from '../rpm/container.ts';
import { initialState, STEPS, type Mode, type RpmRequest, type RpmState } from '../rpm/pipeline.ts';
import type { RpmFacts } from '../rpm/verify.ts';
import type { FlagValues } from './args.ts';
import { defineCommand, type CommandContext } from './command.ts';
import { runStepList } from './renderer.ts';

const SPEC = {
  invocation: 'npm run rpm --',
  name: 'rpm',
  synopsis: '--moby PATH [--packaging PATH|URL] [--distro centos-9] [--native|--container] [--out DIR] [--force]',
  summary: [
    "Builds docker-ce RPMs (and the SRPM) of the patched engine with docker-ce-packaging's own",
    'docker-ce.spec, and checks every RPM without installing it. Your moby tree is only read: a copy',
    'under --out gets the patch set and is committed. For docker-v29 trees the same spec also builds',
    'docker-ce-extra-snapshotter: /usr/bin/extra-snapshotter, its systemd unit and the containerd',
    "drop-in that starts it (for the containerd image store), from the project's snapshotter/ module.",
  ].join('\n'),
  options: {
    moby: { type: 'string', value: 'PATH', help: 'the moby checkout to package' },
    packaging: { type: 'string', value: 'PATH|URL', help: 'a docker-ce-packaging checkout on the branch of the engine line (default: cloned from GitHub)' },
    distro: { type: 'string', value: 'DISTRO', help: 'the target distribution (default: centos-9)' },
    native: { type: 'boolean', help: "the host's rpmbuild, in a private mount namespace (the default when no Docker engine answers)" },
    container: { type: 'boolean', help: "docker-ce-packaging's containers (needs a Docker engine and its base images)" },
    out: { type: 'string', value: 'DIR', help: 'where the RPMs, logs and the Go cache go (default: dist/rpm)' },
    force: { type: 'boolean', help: 'carry the local changes of a dirty tree into the copy (refused otherwise)' },
  },
  example: 'npm run rpm -- --moby ~/src/moby --native',
} as const;

/** Neither flag: the packaging containers when an engine answers, else rpmbuild on this host. */
async function pickMode(native: boolean, container: boolean, ctx: CommandContext): Promise<Mode> {
  if (native && container) throw new UsageError('rpm: --native and --container exclude each other; pass one of them');
  if (native) return 'native';
  if (container) return 'container';
  return (await engineVersion(ctx.cwd, ctx.signal)) ? 'container' : 'native';
}

async function parseRequest(ctx: CommandContext, values: FlagValues<typeof SPEC.options>): Promise<RpmRequest> {
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
    lines.push('', `rpm -qpR ${binary.path}`, ...binary.requires.map((r) => `  ${r}`));
    lines.push('', `packaged dockerd --version: ${binary.dockerdVersion}`);
  }
  if (state.wroteOutside.length) {
    lines.push('', `written outside ${state.layout.out} during the build, discarded with its private mount namespace:`);
    lines.push(...state.wroteOutside.map((p) => `  ${p}`));
  }
  return lines;
}

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  const request = await parseRequest(ctx, values);
  const state = await runStepList(STEPS, initialState(request), ctx);
  ctx.stdout.write(report(state).join('\n') + '\n');
  const paths = state.rpms.map((r) => r.path).join(' ');
  // An empty patch set builds a stock engine with our version stamp: say so rather than "patched".
  const what = state.staged?.patch.empty ? 'the engine (empty patch set: nothing of ours in dockerd)' : 'the patched engine';
  ctx.stdout.write(`\n${state.rpms.length} RPM(s) of ${what} built (${request.mode}) and verified: ${paths}\n`);
  return 0;
});
