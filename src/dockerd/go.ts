/**
 * Is the Go on PATH new enough for this tree? moby's vendor.mod (go.mod on newer lines) states the
 * minimum in its `go` line; hack/make.sh sets GOTOOLCHAIN=local, so an older Go fails deep in the
 * build with a cryptic message — we check first and say which version is needed and which was found.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../exec/run.ts';
import { MissingToolError } from '../errors.ts';
import { GoMissingError, GoTooOldError } from './errors.ts';

/** The `go 1.24.0` directive of a go.mod-style file, or undefined. */
export function parseGoDirective(modText: string): string | undefined {
  return /^go\s+(\d+(?:\.\d+){0,2})\s*$/m.exec(modText)?.[1];
}

/** "go version go1.26.8 linux/amd64" → "1.26.8"; "go1.24rc1" → "1.24". Undefined for devel builds. */
export function parseGoVersion(output: string): string | undefined {
  return /\bgo(\d+(?:\.\d+){0,2})/.exec(output)?.[1];
}

/** Numeric compare of dotted versions; missing parts count as 0 (1.24 == 1.24.0). */
export function compareGoVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export async function requiredGo(treeDir: string): Promise<string | undefined> {
  for (const name of ['vendor.mod', 'go.mod']) {
    const path = join(treeDir, name);
    if (existsSync(path)) {
      const version = parseGoDirective(await readFile(path, 'utf8'));
      if (version) return version;
    }
  }
  return undefined;
}

export interface GoCheck {
  needed: string | undefined;
  found: string | undefined;
}

/** Throws GoMissingError / GoTooOldError; a devel Go (no number) is let through. */
export async function checkGo(treeDir: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<GoCheck> {
  const needed = await requiredGo(treeDir);
  let output: string;
  try {
    output = (await run('go', ['version'], { cwd: treeDir, env, extendEnv: false, timeoutMs: 30_000, signal })).stdout;
  } catch (error) {
    if (error instanceof MissingToolError) throw new GoMissingError(needed ?? 'a recent version');
    throw error;
  }
  const found = parseGoVersion(output);
  if (needed && found && compareGoVersions(found, needed) < 0) {
    const where = await run('sh', ['-c', 'command -v go'], { cwd: treeDir, env, extendEnv: false, reject: false });
    throw new GoTooOldError(needed, found, where.stdout.trim() || 'go');
  }
  return { needed, found };
}
