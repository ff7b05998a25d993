/**
 * The docker-ce-packaging checkout: opened in place (only read) or cloned at the branch that builds
 * the engine line. Its branch must match the engine: each branch pins its Go version and spec.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { git } from '../exec/git.ts';
import { isUrl } from '../moby/checkout.ts';
import { NotPackagingError, PackagingBranchError, PackagingCloneError } from './errors.ts';
import { orIfMissing } from '../errors.ts';

export const PACKAGING_URL = 'https://github.com/docker/docker-ce-packaging.git';
export const SPEC = 'rpm/SPECS/docker-ce.spec';

export interface Packaging {
  dir: string;
  branch: string;
  /** RPM distros this branch can build: the rpm/<name>/Dockerfile folders. */
  distros: string[];
  /** distros.json: distro name → base image, for the container flow's image check. */
  images: Record<string, string>;
}

async function currentBranch(dir: string): Promise<string> {
  const name = (await git(dir).raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
  return name === 'HEAD' ? '(detached HEAD)' : name || '(unknown)';
}

async function readDistros(dir: string): Promise<{ distros: string[]; images: Record<string, string> }> {
  const entries = await readdir(join(dir, 'rpm'), { withFileTypes: true });
  const distros = entries
    .filter((e) => e.isDirectory() && existsSync(join(dir, 'rpm', e.name, 'Dockerfile')))
    .map((e) => e.name)
    .sort();
  // A packaging branch without distros.json: no base images known, the image check is skipped.
  const json = await readFile(join(dir, 'distros.json'), 'utf8').catch(orIfMissing('{}'));
  const images: Record<string, string> = {};
  for (const [name, entry] of Object.entries(JSON.parse(json) as Record<string, { image?: string }>)) {
    if (entry.image) images[name] = entry.image;
  }
  return { distros, images };
}

export async function openPackaging(dir: string, wantedBranch: string, engine: string): Promise<Packaging> {
  for (const marker of [SPEC, 'rpm/Makefile']) {
    if (!existsSync(join(dir, marker))) throw new NotPackagingError(dir, marker);
  }
  const branch = await currentBranch(dir);
  if (branch !== wantedBranch) throw new PackagingBranchError(dir, branch, wantedBranch, engine);
  return { dir, branch, ...(await readDistros(dir)) };
}

/** --packaging PATH is opened; a URL (or nothing: upstream) is cloned at the branch into `cacheDir`. */
export async function obtainPackaging(
  option: string | undefined,
  wantedBranch: string,
  engine: string,
  cwd: string,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<Packaging> {
  if (option !== undefined && !isUrl(option)) return openPackaging(resolve(cwd, option), wantedBranch, engine);
  const url = option ?? PACKAGING_URL;
  const dest = join(cacheDir, `docker-ce-packaging-${wantedBranch}`);
  if (!existsSync(join(dest, '.git'))) {
    await mkdir(dirname(dest), { recursive: true });
    try {
      await git(dirname(dest), signal).clone(url, dest, ['--quiet', '--depth', '1', '--branch', wantedBranch]);
    } catch (error) {
      await rm(dest, { recursive: true, force: true });
      const reason = (error instanceof Error ? error.message : String(error)).trim().split('\n').at(-1) ?? 'git clone failed';
      throw new PackagingCloneError(url, wantedBranch, reason.replace(/^fatal:\s*/, ''));
    }
  }
  return openPackaging(dest, wantedBranch, engine);
}
