/**
 * The docker CLI against one private daemon. The CLI (rather than raw Engine API calls over the unix
 * socket) is used because `run` with attached output, `load`/`save` streaming and pull progress are
 * long protocols the CLI already gets right; every call names the daemon's socket with -H and a
 * private DOCKER_CONFIG, so the user's own ~/.docker and default socket are never used.
 */
import { run, which, type RunResult } from '../exec/run.ts';

export interface DockerClient {
  host: string;
  call(args: readonly string[], options?: { timeoutMs?: number; reject?: boolean; signal?: AbortSignal }): Promise<RunResult>;
}

export const DOCKER_FALLBACK = '/usr/local/bin/docker';

export async function findDockerCli(): Promise<string> {
  return (await which('docker')) ?? DOCKER_FALLBACK;
}

export function dockerClient(cli: string, socket: string, configDir: string, logFile?: string): DockerClient {
  const host = `unix://${socket}`;
  return {
    host,
    call: (args, options = {}) =>
      run(cli, ['-H', host, ...args], {
        cwd: '/',
        env: { DOCKER_CONFIG: configDir, DOCKER_CLI_HINTS: 'false' },
        timeoutMs: options.timeoutMs ?? 120_000,
        reject: options.reject ?? true,
        signal: options.signal,
        ...(logFile ? { logFile } : {}),
      }),
  };
}

/** The IDs of all images the daemon holds (`docker images -q` without duplicates). */
export async function imageIds(docker: DockerClient): Promise<string[]> {
  const result = await docker.call(['images', '-q', '--no-trunc']);
  return [...new Set(result.stdout.split('\n').map((l) => l.trim()).filter(Boolean))];
}

export async function inspectImageId(docker: DockerClient, ref: string): Promise<string | undefined> {
  const result = await docker.call(['image', 'inspect', '--format', '{{.Id}}', ref], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** The image's layers as its config lists them (`sha256:` diffIDs), undefined when there is no such image. */
export async function inspectDiffIds(docker: DockerClient, ref: string): Promise<string[] | undefined> {
  const result = await docker.call(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref], { reject: false, timeoutMs: 30_000 });
  return result.exitCode === 0 ? (JSON.parse(result.stdout) as string[]) : undefined;
}

/** `docker rmi` of those of refs that are there, then the images left: what a removal check reads. */
export async function removeTags(docker: DockerClient, refs: readonly string[]): Promise<{ result: RunResult; left: string[] }> {
  const present = [];
  for (const ref of refs) if (await inspectImageId(docker, ref)) present.push(ref);
  const result = await docker.call(['rmi', ...present], { reject: false, timeoutMs: 60_000 });
  return { result, left: await imageIds(docker) };
}
