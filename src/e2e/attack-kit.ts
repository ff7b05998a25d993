/**
 * What every attack case does around its crafted store: a private patched dockerd on a fresh
 * data-root with `extra-storage` at the copy (verify as the case says), a bounded pull timed, and
 * what the daemon registered afterwards.
 */
import { readFile } from 'node:fs/promises';
import type { BuiltImage } from './build-image.ts';
import type { E2eContext } from './context.ts';
import { imageIds, type DockerClient } from './docker.ts';
import { startExtraHost, type ExtraHost, type VerifyMode } from './extra-host.ts';
import type { ImageSpec } from './image-spec.ts';
import { sleep } from './processes.ts';
import type { PreparedStore } from './store.ts';
import { orIfMissing } from '../errors.ts';

export type { VerifyMode } from './extra-host.ts';

export interface AttackEnv {
  ctx: E2eContext;
  spec: ImageSpec;
  image: BuiltImage;
  store: PreparedStore;
  /** The static busybox the test image was built with (for images a case builds itself). */
  busybox: string;
}

export type AttackDaemon = ExtraHost;

/** A host on `root` (on the run's image store); `verify` absent means the engine's default (content). */
export async function attackDaemon(ctx: E2eContext, name: string, root: string, verify?: VerifyMode): Promise<AttackDaemon> {
  return startExtraHost(ctx, name, verify ? { path: root, verify } : { path: root });
}

export interface Attempt {
  exitCode: number;
  /** stdout (progress) then stderr (the daemon's error, so it is the last line), trimmed. */
  message: string;
  ms: number;
}

/** One docker command, timed, never thrown; a hang ends at timeoutMs as a non-zero exit. */
export async function attempt(ctx: E2eContext, docker: DockerClient, args: readonly string[], timeoutMs = 90_000): Promise<Attempt> {
  const started = performance.now();
  const result = await docker.call(args, { reject: false, timeoutMs, signal: ctx.signal });
  return { exitCode: result.exitCode, message: `${result.stdout.trim()}\n${result.stderr.trim()}`.trim(), ms: Math.round(performance.now() - started) };
}

/** The last line of a docker error, which is where the daemon's message is (the CLI's usage hint skipped). */
export const lastLine = (message: string) =>
  message.split('\n').filter((line) => line.trim() && !/^Run 'docker .*--help'/.test(line)).pop() ?? '';

export const names = (message: string, ids: readonly string[]) => ids.some((id) => message.includes(id));

/**
 * Images and layers the host holds: what a refused pull must leave at zero. containerd removes the
 * snapshots of a failed pull when it collects the pull's lease, so a count above zero is read again
 * for a while before it stands.
 */
export async function registered(daemon: AttackDaemon, settleMs = 10_000): Promise<{ images: number; chains: number }> {
  const count = async () => ({ images: (await imageIds(daemon.docker)).length, chains: (await daemon.layers()).length });
  let held = await count();
  for (let waited = 0; waited < settleMs && held.images + held.chains > 0; waited += 500) {
    await sleep(500);
    held = await count();
  }
  return held;
}

/** The daemon still answers, and its log shows no Go panic (a panic in an API handler is recovered, so it must be looked for). */
export async function stillHealthy(daemon: AttackDaemon): Promise<{ ok: boolean; detail: string }> {
  const version = await daemon.docker.call(['version', '--format', '{{.Server.Version}}'], { reject: false, timeoutMs: 10_000 });
  const log = await readFile(daemon.logFile, 'utf8').catch(orIfMissing('')); // a daemon that never started
  const panicked = /panic serving|^panic: |goroutine \d+ \[running\]|runtime error:/m.test(log);
  return { ok: version.exitCode === 0 && !panicked, detail: `docker version exit ${version.exitCode}, panic in the daemon log: ${panicked}` };
}

/** `docker run --rm REF cat PATH`, bounded. */
export async function catInContainer(ctx: E2eContext, docker: DockerClient, ref: string, path: string): Promise<Attempt & { stdout: string }> {
  const started = performance.now();
  const result = await docker.call(['run', '--rm', '--network', 'none', ref, 'cat', path], { reject: false, timeoutMs: 60_000, signal: ctx.signal });
  return { exitCode: result.exitCode, stdout: result.stdout, message: `${result.stdout.trim()}\n${result.stderr.trim()}`.trim(), ms: Math.round(performance.now() - started) };
}

export const clip = (text: string, max = 220) => (text.length > max ? `${text.slice(0, max)}…` : text);
