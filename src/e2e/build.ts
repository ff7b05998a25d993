/**
 * Gets the patched engine for the e2e: the given moby tree is cloned (never touched), and the
 * project's own `build-dockerd` command patches and builds the clone exactly as a user runs it.
 * With --dockerd the build is skipped but the clone is still patched (--no-build) so the Go tests
 * can run inside it.
 */
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../exec/git.ts';
import { run } from '../exec/run.ts';
import { PACKAGE_ROOT } from '../project.ts';
import { BuildUnavailableError } from './errors.ts';

export interface PatchedTree {
  tree: string;
  dockerd?: string;
}

export async function clonePristine(source: string, dest: string, signal: AbortSignal): Promise<void> {
  await git(join(dest, '..'), signal).clone(source, dest, ['-q', '--shared']);
}

export async function buildThroughCli(tree: string, outDir: string, build: boolean, logFile: string, signal: AbortSignal): Promise<PatchedTree> {
  const cli = join(PACKAGE_ROOT, 'src/cli/build-dockerd.ts');
  if (!(await access(cli).then(() => true, () => false))) throw new BuildUnavailableError(cli);
  await run(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src/bin.ts'), 'build-dockerd', '--moby', tree, '--out', outDir, ...(build ? [] : ['--no-build'])], {
    cwd: PACKAGE_ROOT,
    env: { CI: '1' },
    logFile,
    timeoutMs: 20 * 60_000,
    signal,
    tailLines: 15,
  });
  if (!build) return { tree };
  const dockerd = join(outDir, 'dockerd');
  const ok = await stat(dockerd).then((s) => s.isFile(), () => false);
  if (!ok) throw new BuildUnavailableError(`${dockerd} (build-dockerd succeeded but left no dockerd there)`);
  return { tree, dockerd };
}
