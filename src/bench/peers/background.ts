/**
 * A daemon a peer runs for the length of its column (a private containerd, the stargz snapshotter):
 * started through the exec choke point, ready when its socket answers, stopped with SIGTERM then
 * SIGKILL. It is found again by a path in its command line that no other process on the machine
 * names (its socket or its config file).
 */
import { existsSync } from 'node:fs';
import { run, type RunResult } from '../../exec/run.ts';
import { UserError } from '../../errors.ts';
import { logTail } from '../../e2e/daemon.ts';
import { killMentioning, pidsMentioning, sleep, stopProcess } from '../../e2e/processes.ts';

export class BackgroundStartError extends UserError {
  constructor(
    readonly daemon: string,
    readonly reason: string,
    readonly logPath: string,
    readonly logLines: readonly string[],
  ) {
    super(`${daemon} ${reason}; see its log ${logPath}`);
    this.name = 'BackgroundStartError';
  }
  override detailLines(): readonly string[] {
    return this.logLines;
  }
}

export interface BackgroundOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  logFile: string;
  /** The socket it serves on: it is not ready before this exists. */
  socket: string;
  /** A path in its command line that no other process names (its socket, its config file). */
  marker: string;
  /** Answers true once the daemon serves; called after the socket exists. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface Background {
  stop(): Promise<void>;
}

/** The longest a background daemon may live: a stuck benchmark must not leave one running for good. */
const LIFETIME_MS = 3 * 60 * 60 * 1000;

export async function startBackground(options: BackgroundOptions): Promise<Background> {
  const controller = new AbortController();
  let exited: RunResult | undefined;
  const done = run(options.command, options.args, {
    cwd: options.cwd,
    logFile: options.logFile,
    signal: controller.signal,
    reject: false,
    timeoutMs: LIFETIME_MS,
  }).then(
    (result) => (exited = result),
    (error: unknown) => (exited = { stdout: '', stderr: String(error), exitCode: -1 }),
  );
  const stop = async () => {
    for (const pid of await pidsMentioning(options.marker)) await stopProcess(pid, 15_000);
    controller.abort();
    await Promise.race([done, sleep(5000)]);
    await killMentioning(options.marker);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline && !options.signal?.aborted) {
    if (exited) throw new BackgroundStartError(options.name, `exited with code ${exited.exitCode}`, options.logFile, await logTail(options.logFile));
    if (existsSync(options.socket) && (await options.ready())) return { stop };
    await sleep(100);
  }
  await stop();
  throw new BackgroundStartError(options.name, `did not answer within ${(options.readyTimeoutMs ?? 30_000) / 1000}s`, options.logFile, await logTail(options.logFile));
}
