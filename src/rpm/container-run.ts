/**
 * Runs the container flow in a staged copy of the packaging checkout (the user's is only read):
 * the staged engine linked where the Makefile looks for it, our SOURCES (sources.ts), the spec with
 * our hooks, then `make -C rpm <distro>` with our RPMBUILD_FLAGS.
 */
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { git } from '../exec/git.ts';
import { run } from '../exec/run.ts';
import { ExecError, orIfMissing } from '../errors.ts';
import { RpmBuildFailedError } from './errors.ts';
import { assertEngine, containerMakeCommand } from './container.ts';
import type { BuildLayout } from './layout.ts';
import type { Packaging } from './packaging.ts';
import { fillSources } from './sources.ts';
import { patchSpec } from './spec.ts';

export interface ContainerInputs {
  layout: BuildLayout;
  packaging: Packaging;
  distro: string;
  projectRpmDir: string;
  defines: Record<string, string>;
  /** Package extra-snapshotter (docker-v29): its staged sources are under layout.stage. */
  snapshotter: boolean;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** The Go image the packaging Makefile builds with: golang:<GO_VERSION from common.mk>-bookworm. */
export function goImage(commonMk: string): string | undefined {
  const version = /^GO_VERSION\s*[:?]?=\s*(\S+)/m.exec(commonMk)?.[1];
  return version ? `golang:${version}-bookworm` : undefined;
}

export async function stagePackaging(inputs: ContainerInputs): Promise<string> {
  const { layout } = inputs;
  await rm(layout.packaging, { recursive: true, force: true });
  await git(dirname(layout.packaging), inputs.signal).clone(inputs.packaging.dir, layout.packaging, ['--quiet', '--shared']);
  const link = join(layout.packaging, 'src/github.com/docker/docker');
  await mkdir(dirname(link), { recursive: true });
  await symlink(layout.engine, link);
  const sources = join(layout.packaging, 'rpm/rpmbuild/SOURCES');
  await fillSources({ stageDir: layout.stage, sourcesDir: sources, projectRpmDir: inputs.projectRpmDir, snapshotter: inputs.snapshotter, ...(inputs.signal ? { signal: inputs.signal } : {}) });
  const spec = join(layout.packaging, 'rpm/SPECS/docker-ce.spec');
  await writeFile(spec, patchSpec(await readFile(spec, 'utf8'), { snapshotter: inputs.snapshotter }));
  return join(layout.packaging, 'rpm/rpmbuild', inputs.distro);
}

export async function runContainerBuild(inputs: ContainerInputs): Promise<{ rpms: string; srpms: string }> {
  const { layout, packaging } = inputs;
  // Without common.mk the Go image is not known ahead; the Makefile still pulls it.
  const common = await readFile(join(packaging.dir, 'common.mk'), 'utf8').catch(orIfMissing(''));
  // The distro's base image, the Go image, and alpine (the Makefile chowns the output with it).
  const images = [packaging.images[inputs.distro], goImage(common), 'alpine'].filter((i): i is string => Boolean(i));
  await assertEngine(images, layout.out, inputs.signal);
  const outDir = await stagePackaging(inputs);
  const cmd = containerMakeCommand({ packagingDir: layout.packaging, distro: inputs.distro, defines: inputs.defines });
  await rm(layout.log, { force: true });
  await run(cmd.command, cmd.args, {
    cwd: layout.packaging,
    logFile: layout.log,
    timeoutMs: 90 * 60_000,
    ...(inputs.signal ? { signal: inputs.signal } : {}),
    ...(inputs.onLine ? { onLine: inputs.onLine } : {}),
  }).catch((error: unknown) => {
    if (error instanceof ExecError) throw new RpmBuildFailedError(`make -C rpm ${inputs.distro}`, error.reason, error.stderrTail, layout.log);
    throw error;
  });
  return { rpms: join(outDir, 'RPMS'), srpms: join(outDir, 'SRPMS') };
}
