/** What every e2e step shares: where to work, which binaries, the clean-up stack, the verdicts. */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { startDaemon, type Daemon } from './daemon.ts';
import { withLineConfig } from './engine-line.ts';
import type { Results } from './results.ts';
import type { Teardown } from './teardown.ts';

export interface E2eContext {
  work: string;
  logDir: string;
  dockerCli: string;
  /** The patched dockerd (also used, without extra-storage, to prepare the store). */
  dockerd: string;
  /** daemon.json keys the engine line needs (engine-line.ts), under every scenario's own. */
  lineConfig: Record<string, unknown>;
  /** The engine's major version from `dockerd --version` (undefined until known). */
  engineMajor?: number;
  /** Set on the containerd image store's run: the extra-snapshotter each host of a store starts. */
  containerdStore?: { snapshotter: string };
  teardown: Teardown;
  results: Results;
  signal: AbortSignal;
}

/** Starts a private daemon and registers its stop with the teardown. */
export async function startPrivateDaemon(
  ctx: E2eContext,
  name: string,
  config: Record<string, unknown>,
  dataRoot?: string,
  options: { storageDriver?: string | null; containerd?: string } = {},
): Promise<Daemon & { release: () => Promise<void> }> {
  // A fresh short folder per start: the socket paths under it must stay within 108 bytes.
  const dir = await mkdtemp(join(ctx.work, 'd-'));
  const daemon = await startDaemon({
    name,
    binary: ctx.dockerd,
    dir,
    dataRoot: dataRoot ?? join(dir, 'root'),
    config: withLineConfig(ctx.lineConfig, config),
    dockerCli: ctx.dockerCli,
    logDir: ctx.logDir,
    ...options,
  });
  const release = ctx.teardown.defer(`stop dockerd ${name}`, () => daemon.stop());
  return { ...daemon, release };
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const details = error instanceof UserError ? error.detailLines() : [];
    return [error.message, ...details.slice(-2)].join(' | ');
  }
  return String(error);
}
