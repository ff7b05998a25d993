/**
 * What goes into rpmbuild's SOURCES: engine.tgz made by us from the staged tree (afresh every run:
 * the packaging Makefile reuses a stale one), and the installer swap that gives the spec Debian's
 * tini-static instead of a GitHub clone of tini.
 */
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MissingToolError } from '../errors.ts';
import { run } from '../exec/run.ts';

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

/** SOURCES/engine.tgz with the single top folder engine/ and no .git, as the spec's %setup expects. */
export async function makeEngineTarball(stageDir: string, sourcesDir: string, signal?: AbortSignal): Promise<string> {
  const tarball = join(sourcesDir, 'engine.tgz');
  await mkdir(sourcesDir, { recursive: true });
  await rm(tarball, { force: true });
  await run('tar', ['-C', stageDir, '-c', '-z', '-f', tarball, '--exclude', '.git', 'engine'], {
    cwd: stageDir,
    ...(signal ? { signal } : {}),
  });
  return tarball;
}
