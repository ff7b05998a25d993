/**
 * Runs moby's own `hack/make.sh dynbinary` in the tree and collects what it built. The script
 * writes bundles/ (git-ignored by moby) and a temporary go.mod that hack/with-go-mod.sh removes on
 * exit — unless the build is killed hard, and a stale go.mod is then silently reused by the next
 * build. So we remove what it leaves behind that was not there before, whatever the outcome.
 */
import { existsSync } from 'node:fs';
import { copyFile, chmod, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '../exec/git.ts';
import { run } from '../exec/run.ts';
import { BinaryMissingError } from './errors.ts';

/** What hack/make/dynbinary builds (dynbinary-daemon + dynbinary-proxy, the proxy on Linux only). */
export const BUNDLE_DIR = 'bundles/dynbinary-daemon';
export const BINARIES = ['dockerd', 'docker-proxy'] as const;

export interface Stamp {
  /** VERSION, e.g. "28.5.2-extra.1". */
  version: string;
  /** DOCKER_GITCOMMIT, e.g. "8ed7814-extra.1". */
  gitCommit: string;
}

/** The version the binary reports, so `dockerd --version` shows the patch set it carries. */
export function stampFor(engineVersion: string, shortHead: string, release: number | undefined): Stamp {
  const suffix = release === undefined ? '' : `-extra.${release}`;
  return { version: `${engineVersion}${suffix}`, gitCommit: `${shortHead}${suffix}` };
}

export interface MakeOptions {
  stamp: Stamp;
  outDir: string;
  logFile: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

async function isIgnored(treeDir: string, path: string): Promise<boolean> {
  // check-ignore prints the path when it is ignored and exits 1 (no output) when it is not.
  const out = await git(treeDir).raw(['check-ignore', path]);
  return out.trim() !== '';
}

/** Build in place and copy the binaries to outDir; returns their paths (dockerd first). */
export async function buildDockerd(treeDir: string, options: MakeOptions): Promise<string[]> {
  const hadGoMod = existsSync(join(treeDir, 'go.mod'));
  const keepBundles = existsSync(join(treeDir, 'bundles')) || (await isIgnored(treeDir, 'bundles/'));
  // HEAD's commit time, so BUILDTIME does not change between identical builds. An opened tree has a
  // HEAD; a git that cannot answer fails here rather than stamping a different BUILDTIME.
  const epoch = Number((await git(treeDir).raw(['show', '-s', '--format=%ct', 'HEAD'])).trim()) || undefined;
  await rm(options.logFile, { force: true }); // one log per build: run() appends
  try {
    await run(join(treeDir, 'hack/make.sh'), ['dynbinary'], {
      cwd: treeDir,
      env: {
        ...options.env,
        VERSION: options.stamp.version,
        DOCKER_GITCOMMIT: options.stamp.gitCommit,
        ...(epoch ? { SOURCE_DATE_EPOCH: String(epoch) } : {}),
      },
      extendEnv: false,
      logFile: options.logFile,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onLine ? { onLine: options.onLine } : {}),
    });
    return await collectBinaries(treeDir, options.outDir, options.logFile);
  } finally {
    if (!hadGoMod) await rm(join(treeDir, 'go.mod'), { force: true });
    if (!keepBundles) await rm(join(treeDir, 'bundles'), { recursive: true, force: true });
  }
}

/** Copy via a temp name and rename, so a dockerd that is running from outDir is never overwritten in place. */
async function collectBinaries(treeDir: string, outDir: string, logFile: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const copied: string[] = [];
  for (const name of BINARIES) {
    const from = join(treeDir, BUNDLE_DIR, name);
    if (!existsSync(from)) {
      if (name === 'dockerd') throw new BinaryMissingError(from, logFile);
      continue;
    }
    const to = join(outDir, name);
    const temp = `${to}.tmp-${process.pid}`;
    await copyFile(from, temp);
    await chmod(temp, 0o755);
    await rename(temp, to);
    copied.push(to);
  }
  return copied;
}
