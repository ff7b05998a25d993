/**
 * The only module that talks to git. Everything goes through simple-git with an explicit base
 * directory, so that a test's temp repository and the user's tree are never confused.
 */
import { simpleGit, type SimpleGit } from 'simple-git';

export type { SimpleGit };

/**
 * With `env`, every git this instance runs sees only those variables and PATH: a fixed identity and
 * date, with nothing of the user's (git's own GIT_* variables included).
 */
export function git(baseDir: string, signal?: AbortSignal, env?: Record<string, string>): SimpleGit {
  const instance = simpleGit({
    baseDir,
    binary: 'git',
    maxConcurrentProcesses: 4,
    trimmed: false,
    ...(signal ? { abort: signal } : {}),
    // simple-git rejects GIT_* variables given through .env() unless they are named here.
    ...(env ? { allowEnvironment: Object.keys(env) } : {}),
  });
  return env ? instance.env({ PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }) : instance;
}

/** Parse `git status --porcelain=v1 -z`: "XY path\0", renames and copies carry a second "old path\0". */
export function parsePorcelainZ(text: string): string[] {
  const fields = text.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++; // skip the source path of a rename or copy
  }
  return paths;
}

/** Every path that differs from HEAD: modified, added, deleted, renamed (new name) and untracked. */
export async function changedFiles(dir: string, signal?: AbortSignal): Promise<string[]> {
  return parsePorcelainZ(await git(dir, signal).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all']));
}
