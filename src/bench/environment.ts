/** Where and with what a benchmark ran: the machine, the kernel, and the versions of what it timed. */
import { cpus, release, totalmem } from 'node:os';
import { run } from '../exec/run.ts';
import type { DockerClient } from '../e2e/docker.ts';
import type { BenchRecord } from './record.ts';

async function firstLine(command: string, args: readonly string[]): Promise<string> {
  const out = await run(command, args, { cwd: '/', timeoutMs: 30_000, reject: false });
  return (out.stdout || out.stderr).split('\n')[0]!.trim() || 'unknown';
}

export function machine(): BenchRecord['machine'] {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', memoryBytes: totalmem() };
}

export function kernel(): string {
  return release();
}

export async function versions(cli: string, docker: DockerClient): Promise<BenchRecord['versions']> {
  const server = await docker.call(['version', '--format', '{{.Server.Version}}'], { reject: false });
  return {
    dockerd: server.stdout.trim() || 'unknown',
    dockerCli: await firstLine(cli, ['--version']),
    registry: await firstLine('docker-registry', ['--version']),
  };
}
