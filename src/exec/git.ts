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
