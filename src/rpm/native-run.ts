/**
 * Prepares rpmbuild's topdir afresh (no stale engine.tgz, no RPMs of an earlier run) and runs the
 * packaging spec in the sandbox, its whole output streamed to the log file.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { run, which } from '../exec/run.ts';
import { ExecError, MissingToolError } from '../errors.ts';
import { RpmBuildFailedError } from './errors.ts';
import type { Distro } from './distro.ts';
import type { BuildLayout } from './layout.ts';
import { buildEnv, rpmbuildArgs } from './native.ts';
import { assertCanSandbox, sandboxCommand, WROTE_PREFIX } from './sandbox.ts';
import { fillSources, swapTiniInstaller } from './sources.ts';
import { patchSpec } from './spec.ts';

export interface NativeInputs {
  layout: BuildLayout;
  distro: Distro;
  /** The packaging checkout's rpm/SPECS/docker-ce.spec (read only). */
  packagingSpec: string;
  /** Our rpm/ folder: macros file and example config. */
  projectRpmDir: string;
  defines: Record<string, string>;
  tiniStatic: string;
  /** Package extra-snapshotter (docker-v29): its staged sources are under layout.stage. */
  snapshotter: boolean;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

export interface NativeResult {
  /** Paths the build wrote outside the build folder (discarded with the namespace). */
  wroteOutside: string[];
  log: string;
}

/** Tools the native flow runs, with the package that ships each. */
export const NATIVE_TOOLS: Record<string, string> = {
  rpmbuild: 'install it with apt-get install rpm (Debian/Ubuntu) or dnf install rpm-build',
  rpm2archive: 'install it with apt-get install rpm2cpio (Debian/Ubuntu) or dnf install rpm',
  unshare: 'install util-linux',
  tar: 'install tar',
};

export async function checkNativeTools(uid: number): Promise<void> {
  for (const [tool, hint] of Object.entries(NATIVE_TOOLS)) {
    if (!(await which(tool))) throw new MissingToolError(tool, hint);
  }
  assertCanSandbox(uid, await which('unshare'));
}

/** SOURCES (sources.ts), SPECS (the spec with our hooks), the macros file. */
export async function prepareTopdir(inputs: NativeInputs): Promise<{ spec: string; macrosFile: string }> {
  const { layout } = inputs;
  for (const dir of [layout.topdir, layout.tmp, layout.extract]) await rm(dir, { recursive: true, force: true });
  await mkdir(layout.specs, { recursive: true });
  await mkdir(layout.tmp, { recursive: true });
  await mkdir(layout.goCache, { recursive: true });
  await swapTiniInstaller(layout.engine, inputs.tiniStatic);
  await fillSources({ stageDir: layout.stage, sourcesDir: layout.sources, projectRpmDir: inputs.projectRpmDir, snapshotter: inputs.snapshotter, ...(inputs.signal ? { signal: inputs.signal } : {}) });
  const spec = join(layout.specs, basename(inputs.packagingSpec));
  await writeFile(spec, patchSpec(await readFile(inputs.packagingSpec, 'utf8'), { snapshotter: inputs.snapshotter }, basename(spec)));
  // A copy inside the build folder: the project may live on a mount the sandbox does not see.
  const macrosFile = join(layout.topdir, 'macros.dockerd-extra');
  await copyFile(join(inputs.projectRpmDir, 'macros.dockerd-extra'), macrosFile);
  return { spec, macrosFile };
}

export async function runNativeBuild(inputs: NativeInputs, spec: string, macrosFile: string): Promise<NativeResult> {
  const { layout } = inputs;
  const go = await which('go');
  const goMd2man = await which('go-md2man');
  const build = {
    layout,
    distro: inputs.distro,
    spec,
    macrosFile,
    defines: inputs.defines,
    ...(go ? { goBin: dirname(go) } : {}),
    ...(goMd2man ? { goMd2man } : {}),
  };
  const cmd = sandboxCommand(layout.out, layout.sandbox, buildEnv(build, process.env.PATH ?? '/usr/bin:/bin'), rpmbuildArgs(build));
  await rm(layout.log, { force: true });
  await mkdir(layout.sandbox, { recursive: true });
  const wroteOutside: string[] = [];
  await run(cmd.command, cmd.args, {
    cwd: layout.out,
    logFile: layout.log,
    timeoutMs: 45 * 60_000,
    ...(inputs.signal ? { signal: inputs.signal } : {}),
    onLine: (line) => {
      if (line.startsWith(WROTE_PREFIX)) wroteOutside.push(line.slice(WROTE_PREFIX.length));
      inputs.onLine?.(line);
    },
  }).catch((error: unknown) => {
    // The command line is the whole sandbox script: name the spec instead.
    if (error instanceof ExecError) throw new RpmBuildFailedError(`rpmbuild -ba ${basename(spec)}`, error.reason, error.stderrTail, layout.log);
    throw error;
  });
  return { wroteOutside, log: layout.log };
}
