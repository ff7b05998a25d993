/**
 * The matrix's git side: the tags of the mirror, and ONE work tree reused for every tag (a shared
 * clone, so the mirror is only read; the Go build cache stays warm), moved to each tag with
 * checkout --force and clean -ffdx, and removed at the end.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { git } from '../exec/git.ts';
import { RepoNotFoundError } from './errors.ts';

/** Throws RepoNotFoundError unless `path` is a git repository (bare or not). */
export async function assertRepo(path: string, given: boolean): Promise<void> {
  const ok = existsSync(path) && (await git(path).raw(['rev-parse', '--git-dir']).then(() => true, () => false));
  if (!ok) throw new RepoNotFoundError(path, given);
}

export async function listTags(repo: string): Promise<string[]> {
  return (await git(repo).raw(['tag', '--list'])).split('\n').map((t) => t.trim()).filter(Boolean);
}

/** A clone sharing the mirror's objects (read-only use of the mirror), nothing checked out yet. */
export async function createWorkTree(repo: string, dir: string, signal?: AbortSignal): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  await git(dirname(dir), signal).clone(repo, dir, ['--quiet', '--shared', '--no-checkout']);
}

/** The work tree exactly at `tag`: every local change and untracked or ignored file gone. */
export async function checkoutTag(dir: string, tag: string, signal?: AbortSignal): Promise<void> {
  const repo = git(dir, signal);
  await repo.raw(['checkout', '--quiet', '--force', '--detach', `refs/tags/${tag}`]);
  await repo.raw(['clean', '-ffdxq']);
}

export async function removeWorkTree(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
