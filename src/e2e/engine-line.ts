/**
 * What a private daemon needs from daemon.json on each engine line, so one e2e serves both. v29
 * defaults to the containerd image store, which extra-storage refuses, and to time namespaces,
 * which Debian's runc 1.1 cannot create; v28 needs neither key.
 */
import { tmpdir } from 'node:os';
import { run } from '../exec/run.ts';

/** "Docker version 29.7.2-extra.1, build …" → 29; undefined when the line names no version. */
export function engineMajor(versionLine: string): number | undefined {
  const match = /\bversion (\d+)\./.exec(versionLine);
  return match ? Number(match[1]) : undefined;
}

export function lineDaemonConfig(major: number | undefined): Record<string, unknown> {
  if (major === undefined || major < 29) return {};
  return { features: { 'containerd-snapshotter': false, 'time-namespaces': false } };
}

/**
 * The scenario's own keys win; `features` is merged key by key, so a scenario can turn one on, and
 * a feature it sets to null is left out (to the engine's default).
 */
export function withLineConfig(line: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...(line.features as object | undefined), ...(config.features as object | undefined) };
  const features = Object.fromEntries(Object.entries(merged).filter(([, on]) => on !== null));
  const { features: _ignored, ...rest } = { ...line, ...config };
  return Object.keys(features).length ? { ...rest, features } : rest;
}

export async function daemonConfigFor(dockerd: string, signal?: AbortSignal): Promise<{ major: number | undefined; config: Record<string, unknown> }> {
  const out = await run(dockerd, ['--version'], { cwd: tmpdir(), timeoutMs: 30_000, ...(signal ? { signal } : {}) });
  const major = engineMajor(out.stdout || out.stderr);
  return { major, config: lineDaemonConfig(major) };
}
