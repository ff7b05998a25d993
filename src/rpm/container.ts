/**
 * The container flow: docker-ce-packaging's own `make -C rpm <distro>`, which builds the distro's
 * build image and runs rpmbuild in it. We give it a staged packaging copy with the staged engine
 * linked at src/github.com/docker/docker, our engine.tgz already in SOURCES, and RPMBUILD_FLAGS
 * that build only docker-ce.spec with our version defines. The command line is data (asserted by
 * test/rpm/container.test.ts); running it needs a Docker engine.
 */
import { MissingToolError } from '../errors.ts';
import { run } from '../exec/run.ts';
import { NoEngineError } from './errors.ts';

/** The Makefile's `sources` prerequisites we do not build: -o keeps make from running their rules. */
export const OTHER_SOURCES = ['cli.tgz', 'buildx.tgz', 'compose.tgz', 'model.tgz'] as const;

export interface ContainerBuild {
  packagingDir: string;
  distro: string;
  defines: Record<string, string>;
}

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** A command-line variable is expanded by make like any other: a literal `$` is written `$$`. */
const makeEscape = (value: string) => value.replaceAll('$', '$$$$');

/**
 * RPMBUILD_FLAGS as given on make's command line. The Makefile passes it through a shell to
 * `docker run … rpmbuild`, so each define is quoted once. `$(RPMBUILD_EXTRA_FLAGS)` is left for make
 * to expand, as the Makefile's own RPMBUILD_FLAGS does: master adds `--define '_no_libnftables true'`
 * for the rhel-* targets, whose images lack nftables-devel (without it rpmbuild refuses to start).
 */
export function rpmbuildFlags(defines: Record<string, string>): string {
  const parts = Object.entries(defines).map(([name, value]) => `--define ${makeEscape(shellQuote(`${name} ${value}`))}`);
  return ['-ba', ...parts, '$(RPMBUILD_EXTRA_FLAGS)', 'SPECS/docker-ce.spec'].join(' ');
}

export function containerMakeCommand(build: ContainerBuild): { command: string; args: string[] } {
  const assumeOld = ['engine.tgz', ...OTHER_SOURCES].flatMap((name) => ['-o', `rpmbuild/SOURCES/${name}`]);
  return {
    command: 'make',
    args: ['-C', `${build.packagingDir}/rpm`, ...assumeOld, build.distro, `RPMBUILD_FLAGS=${rpmbuildFlags(build.defines)}`],
  };
}

/** The version of the Docker engine that answers `docker info`, if one does. No docker CLI is a plain no; a cancel propagates. */
export async function engineVersion(cwd: string, signal?: AbortSignal): Promise<string | undefined> {
  const opts = { cwd, reject: false, timeoutMs: 20_000, ...(signal ? { signal } : {}) } as const;
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], opts).catch((error: unknown) => {
    if (error instanceof MissingToolError) return undefined;
    throw error;
  });
  return info?.exitCode === 0 && info.stdout.trim() ? info.stdout.trim() : undefined;
}

/** Fails with one line pointing at --native when no engine answers or a base image cannot be had. */
export async function assertEngine(images: readonly string[], cwd: string, signal?: AbortSignal): Promise<string> {
  const opts = { cwd, reject: false, timeoutMs: 20_000, ...(signal ? { signal } : {}) } as const;
  const version = await engineVersion(cwd, signal);
  if (!version) throw new NoEngineError('no Docker engine answers `docker info`');
  for (const image of images) {
    const local = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], opts);
    if (local.exitCode === 0) continue;
    const pulled = await run('docker', ['pull', '--quiet', image], { ...opts, timeoutMs: 600_000 });
    if (pulled.exitCode !== 0) throw new NoEngineError(`the base image ${image} cannot be pulled`);
  }
  return version;
}
