/**
 * The timed acts: `docker pull`, `docker tag`, and `docker run` until the container's first line of
 * output (the moment a user sees the workload start), each through the docker CLI as a user runs it;
 * and the block-device counters the byte figures come from.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { run, type RunOptions } from '../exec/run.ts';
import type { DockerClient } from '../e2e/docker.ts';
import { orIfMissing, UserError } from '../errors.ts';

/** What every column runs: the file the generated image's base layer holds. */
export const PROBE = ['cat', '/data/keep.txt'] as const;

async function timed(act: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await act();
  return Math.round((performance.now() - started) * 10) / 10;
}

export function timePull(docker: DockerClient, ref: string): Promise<number> {
  return timed(() => docker.call(['pull', '-q', ref], { timeoutMs: 600_000 }));
}

export function timeTag(docker: DockerClient, ref: string, newRef: string): Promise<number> {
  return timed(() => docker.call(['tag', ref, newRef]));
}

/** Time from `docker run` to the first line the container prints. */
export async function timeFirstOutput(cli: string, docker: DockerClient, ref: string): Promise<number> {
  const ms = await timeFirstLine(cli, ['-H', docker.host, 'run', '--rm', '--network', 'none', ref, ...PROBE], { cwd: '/', timeoutMs: 120_000 });
  return Math.round(ms * 10) / 10;
}

export class NoOutputError extends UserError {
  constructor(readonly command: string) {
    super(`${command} succeeded but printed nothing, so no first output could be timed`);
    this.name = 'NoOutputError';
  }
}

/**
 * The timer of every column: from starting a command to the first non-empty line it prints on
 * stdout, the moment a user sees the workload start (a warning written to stderr first must not
 * stop the clock). The command still runs to its end (and must succeed), so that no container is
 * left behind.
 */
export async function timeFirstLine(command: string, args: readonly string[], options: RunOptions): Promise<number> {
  const started = performance.now();
  let first: number | undefined;
  await run(command, args, {
    ...options,
    onStdoutLine: (line) => {
      if (first === undefined && line.trim()) first = performance.now();
    },
  });
  if (first === undefined) throw new NoOutputError([command, ...args].join(' '));
  return first - started;
}

/** Time a whole command (a pull) in milliseconds. */
export async function timeCommand(command: string, args: readonly string[], options: RunOptions): Promise<number> {
  const started = performance.now();
  await run(command, args, options);
  return performance.now() - started;
}

export interface BlockCounters {
  readBytes: number;
  writtenBytes: number;
}

/** Sectors read and written by a whole block device so far, in bytes (/sys/block/NAME/stat fields 3 and 7). */
export async function blockCounters(device: string): Promise<BlockCounters | undefined> {
  // Only whole block devices are under /sys/block: a partition or a plain file has no figure.
  const text = await readFile(`/sys/block/${basename(device)}/stat`, 'utf8').catch(orIfMissing(undefined));
  const f = text?.trim().split(/\s+/);
  if (!f || f.length < 7) return undefined;
  return { readBytes: Number(f[2]) * 512, writtenBytes: Number(f[6]) * 512 };
}

/** Writes every dirty page of the filesystem holding path (syncfs), so what a step wrote reaches its device. */
export async function syncFilesystem(path: string): Promise<void> {
  await run('sync', ['-f', path], { cwd: '/', timeoutMs: 120_000 });
}

/** `sync; echo 3 > /proc/sys/vm/drop_caches`: the next reads come from the devices. */
export async function dropCaches(): Promise<void> {
  await run('sync', [], { cwd: '/', timeoutMs: 120_000 });
  await writeFile('/proc/sys/vm/drop_caches', '3');
}
