/**
 * The only module that talks to git. Everything goes through simple-git with an explicit base
 * directory, so that a test's temp repository and the user's tree are never confused.
 */
import { simpleGit, type SimpleGit } from 'simple-git';

export type { SimpleGit };

export function git(baseDir: string, signal?: AbortSignal): SimpleGit {
  return simpleGit({
    baseDir,
    binary: 'git',
    maxConcurrentProcesses: 4,
    trimmed: false,
    ...(signal ? { abort: signal } : {}),
  });
}
