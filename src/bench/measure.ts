/**
 * One timed run: `docker pull` (when the scenario pulls) and `docker run` until the container's first
 * line of output, the moment a user sees the workload start.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { run } from '../exec/run.ts';
import type { DockerClient } from '../e2e/docker.ts';
import type { RunSample } from './stats.ts';
import { orIfMissing } from '../errors.ts';

export async function timePull(docker: DockerClient, ref: string): Promise<number> {
  const started = performance.now();
  await docker.call(['pull', '-q', ref], { timeoutMs: 300_000 });
  return performance.now() - started;
}

/** Time from `docker run` to the first line the container prints. */
export async function timeFirstOutput(cli: string, docker: DockerClient, ref: string): Promise<number> {
  const started = performance.now();
  let first: number | undefined;
  await run(cli, ['-H', docker.host, 'run', '--rm', '--network', 'none', ref, 'cat', '/data/keep.txt'], {
    cwd: '/',
    timeoutMs: 120_000,
    onLine: (line) => {
      if (first === undefined && line.trim()) first = performance.now();
    },
  });
  return (first ?? performance.now()) - started;
}

/** Sectors read by a block device so far, in bytes (from /sys/block/NAME/stat, field 3). */
export async function deviceBytesRead(device: string): Promise<number | undefined> {
  // Only whole block devices are under /sys/block: a partition or a plain file has no figure.
  const text = await readFile(`/sys/block/${basename(device)}/stat`, 'utf8').catch(orIfMissing(undefined));
  const sectors = text?.trim().split(/\s+/)[2];
  return sectors === undefined ? undefined : Number(sectors) * 512;
}

export async function sample(cli: string, docker: DockerClient, pullRef: string | undefined, runRef: string, device?: string): Promise<RunSample> {
  const readBefore = device ? await deviceBytesRead(device) : undefined;
  const pullMs = pullRef ? await timePull(docker, pullRef) : 0;
  const firstOutputMs = await timeFirstOutput(cli, docker, runRef);
  const readAfter = device ? await deviceBytesRead(device) : undefined;
  return {
    pullMs: Math.round(pullMs),
    firstOutputMs: Math.round(firstOutputMs),
    ...(readBefore !== undefined && readAfter !== undefined ? { deviceBytesRead: readAfter - readBefore } : {}),
  };
}
