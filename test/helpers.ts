/** Shared fixtures for the suites: temp folders and small git repositories built on the spot. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

export async function tempDir(prefix = 'dockerd-extra-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

export async function writeFiles(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Whether a program is on PATH, for a suite's skip reason. */
export function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Run git synchronously in a fixture repository, with a fixed identity and dates for determinism. */
export function gitSync(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'fixture',
      GIT_AUTHOR_EMAIL: 'fixture@localhost',
      GIT_COMMITTER_NAME: 'fixture',
      GIT_COMMITTER_EMAIL: 'fixture@localhost',
      GIT_AUTHOR_DATE: '2025-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2025-01-01T00:00:00Z',
    },
  });
}

/** A git repository holding `files` in one commit, optionally tagged. */
export async function makeRepo(files: Record<string, string>, tag?: string): Promise<string> {
  const dir = await tempDir('dockerd-extra-repo-');
  await writeFiles(dir, files);
  gitSync(dir, 'init', '-q', '-b', 'main');
  gitSync(dir, 'add', '-A');
  gitSync(dir, 'commit', '-q', '-m', 'fixture');
  if (tag) gitSync(dir, 'tag', tag);
  return dir;
}

/** MOBY_SRC, or undefined after printing why the caller is skipped. */
export function mobySource(suite: string, variable: 'MOBY_SRC' | 'MOBY_SRC_V29' = 'MOBY_SRC'): string | undefined {
  const src = process.env[variable];
  const what = variable === 'MOBY_SRC' ? 'a moby checkout; .ci/run does' : 'a moby docker-v29.x checkout';
  if (!src) console.log(`SKIPPED ${suite}: ${variable} is not set (point it at ${what})`);
  return src || undefined;
}

/** The error `work` fails with; a test fails when it does not fail. */
export async function failureOf(work: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, but it succeeded');
}
