/** The host a matrix ran on, for its JSON: kernel release, the Go on PATH, Node. */
import { release, tmpdir } from 'node:os';
import { run } from '../exec/run.ts';
import type { HostFacts } from './report.ts';

export async function hostFacts(env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<HostFacts> {
  const go = await run('go', ['version'], { cwd: tmpdir(), env, extendEnv: false, timeoutMs: 30_000, reject: false, ...(signal ? { signal } : {}) }).then(
    (out) => (out.exitCode === 0 ? out.stdout.trim().split('\n')[0] ?? null : null),
    () => null, // no go on PATH: the builds will say so, row by row
  );
  return { kernel: release(), go, node: process.version };
}
