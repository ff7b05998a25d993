/**
 * What goes into rpmbuild's SOURCES: engine.tgz made by us from the staged tree (afresh every run:
 * the packaging Makefile reuses a stale one), our example config, extra-snapshotter.tgz for the
 * trees that package it, and the installer swap that gives the spec Debian's
 * tini-static instead of a GitHub clone of tini.
 */
import { access, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MissingToolError } from '../errors.ts';
import { run } from '../exec/run.ts';
import { SNAPSHOTTER_SOURCE, SNAPSHOTTER_TOP } from './spec-snapshotter.ts';
import { EXAMPLE_NAME } from './spec.ts';

export const TINI_INSTALLER = 'hack/dockerfile/install/tini.installer';

/**
 * moby's install.sh sources this and calls install_tini with PREFIX set (/usr/local/bin in the spec);
 * the spec then packages ${PREFIX}/docker-init. Same contract, no network.
 */
export function tiniInstaller(tiniStatic: string): string {
  return [
    '#!/bin/sh',
    '# Replaced by dockerd-extra for a native RPM build: use the host\'s static tini instead of',
    '# cloning and building github.com/krallin/tini (no network in the build).',
    'install_tini() {',
    `\techo "Install tini from ${tiniStatic}"`,
    '\tmkdir -p "${PREFIX}"',
    `\tcp "${tiniStatic}" "\${PREFIX}/docker-init"`,
    '}',
    '',
  ].join('\n');
}

export async function swapTiniInstaller(engineDir: string, tiniStatic: string): Promise<void> {
  try {
    await access(tiniStatic);
  } catch {
    throw new MissingToolError(tiniStatic, 'install Debian\'s tini package (apt-get install tini), which ships tini-static');
  }
  await writeFile(join(engineDir, TINI_INSTALLER), tiniInstaller(tiniStatic), { mode: 0o755 });
}

/** SOURCES/<name>: a gzipped tar of `stageDir/top` with that single top folder and no .git, afresh. */
export async function makeSourceTarball(stageDir: string, sourcesDir: string, top: string, name: string, signal?: AbortSignal): Promise<string> {
  const tarball = join(sourcesDir, name);
  await mkdir(sourcesDir, { recursive: true });
  await rm(tarball, { force: true });
  await run('tar', ['-C', stageDir, '-c', '-z', '-f', tarball, '--exclude', '.git', top], {
    cwd: stageDir,
    ...(signal ? { signal } : {}),
  });
  return tarball;
}

/** SOURCES/engine.tgz with the single top folder engine/ and no .git, as the spec's %setup expects. */
export function makeEngineTarball(stageDir: string, sourcesDir: string, signal?: AbortSignal): Promise<string> {
  return makeSourceTarball(stageDir, sourcesDir, 'engine', 'engine.tgz', signal);
}

export interface SourcesInputs {
  /** Holds engine/ and, when packaged, extra-snapshotter/. */
  stageDir: string;
  sourcesDir: string;
  /** Our rpm/ folder, which holds the example config. */
  projectRpmDir: string;
  snapshotter: boolean;
  signal?: AbortSignal;
}

/** Everything the spec's Source lines name, made afresh: both flows (native, container) fill SOURCES with this. */
export async function fillSources(o: SourcesInputs): Promise<void> {
  await makeEngineTarball(o.stageDir, o.sourcesDir, o.signal);
  await copyFile(join(o.projectRpmDir, EXAMPLE_NAME), join(o.sourcesDir, EXAMPLE_NAME));
  if (o.snapshotter) await makeSourceTarball(o.stageDir, o.sourcesDir, SNAPSHOTTER_TOP, SNAPSHOTTER_SOURCE, o.signal);
  else await rm(join(o.sourcesDir, SNAPSHOTTER_SOURCE), { force: true });
}
