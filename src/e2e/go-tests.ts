/**
 * Runs the feature's Go unit tests inside the patched tree with moby's vendor (on v28 through moby's
 * own hack/with-go-mod.sh, which writes the temporary go.mod and removes it). The packages are found as the
 * directories of the *_test.go files the patch set added, so no package name is hard-coded here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git } from '../exec/git.ts';
import { run } from '../exec/run.ts';

/** Untracked *_test.go paths → sorted unique `./dir` package patterns. */
export function testPackages(untracked: readonly string[]): string[] {
  const dirs = untracked.filter((p) => p.endsWith('_test.go') && !p.startsWith('vendor/')).map((p) => `./${dirname(p)}`);
  return [...new Set(dirs)].sort();
}

export async function newTestPackages(tree: string): Promise<string[]> {
  const status = await git(tree).raw(['status', '--porcelain', '--untracked-files=all']);
  const untracked = status.split('\n').filter((l) => l.startsWith('?? ')).map((l) => l.slice(3).trim());
  return testPackages(untracked);
}

export interface GoTestRun {
  packages: string[];
  exitCode: number;
  failures: string[];
  summary: string[];
}

/**
 * binDir holds the built docker-proxy: daemon/config's own tests validate a default config, and
 * since v29 that fails when no docker-proxy is on PATH (as in moby's CI image, which installs it).
 */
export async function runGoTests(tree: string, packages: readonly string[], binDir: string, logFile: string, signal: AbortSignal): Promise<GoTestRun> {
  return runGo(tree, ['test', '-count=1'], packages, { PATH: `${binDir}:${process.env.PATH ?? ''}` }, logFile, signal);
}

/**
 * `go vet` of the packages for another GOOS: moby cross-builds the daemon for Windows, so the
 * feature's packages must compile there (Linux-only code behind build tags). darwin is not a daemon
 * target (stock moby's daemon/config does not build there), so it is not asked for.
 */
export async function vetGoPackages(tree: string, packages: readonly string[], goos: string, logFile: string, signal: AbortSignal): Promise<GoTestRun> {
  return runGo(tree, ['vet'], packages, { GOOS: goos }, logFile, signal);
}

/**
 * v28 trees keep their dependencies in vendor.mod and need hack/with-go-mod.sh to lend them a
 * go.mod; v29 trees are the module github.com/moby/moby/v2 with a go.mod of their own.
 */
export function goInvocation(withGoMod: boolean, goArgs: readonly string[]): [string, string[]] {
  const [command, ...rest] = goArgs;
  return withGoMod
    ? ['./hack/with-go-mod.sh', ['go', command!, '-mod=vendor', '-modfile=vendor.mod', ...rest]]
    : ['go', [command!, '-mod=vendor', ...rest]];
}

async function runGo(tree: string, command: readonly string[], packages: readonly string[], env: Record<string, string>, logFile: string, signal: AbortSignal): Promise<GoTestRun> {
  const [bin, args] = goInvocation(existsSync(join(tree, 'hack/with-go-mod.sh')), [...command, ...packages]);
  const result = await run(bin, args, {
    cwd: tree,
    env: { GO111MODULE: 'on', GOTOOLCHAIN: 'local', GOFLAGS: '', ...env },
    logFile,
    timeoutMs: 12 * 60_000,
    signal,
    reject: false,
    tailLines: 60,
  });
  const lines = `${result.stdout}\n${result.stderr}`.split('\n');
  return {
    packages: [...packages],
    exitCode: result.exitCode,
    failures: lines.filter((l) => /^(--- FAIL|FAIL\s|panic:|vet: |# )/.test(l)).slice(0, 10),
    summary: lines.filter((l) => /^(ok|FAIL|\?)\s/.test(l)),
  };
}
