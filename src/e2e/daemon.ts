/**
 * One private dockerd: its own data-root, exec-root, socket and pidfile under a folder of its own,
 * no bridge and no iptables, its log in a file. Started in the background through the exec choke
 * point; stopped with SIGTERM, then SIGKILL, then every process still naming its exec-root (its
 * containerd and shims) is killed.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, type RunResult } from '../exec/run.ts';
import { dockerClient, type DockerClient } from './docker.ts';
import { DaemonStartError } from './errors.ts';
import { isAlive, killMentioning, sleep, stopProcess } from './processes.ts';
import { unmountAll } from './mounts.ts';
import { orIfMissing } from '../errors.ts';

export interface DaemonOptions {
  name: string;
  binary: string;
  /** Folder for exec-root, socket, pidfile and config. */
  dir: string;
  dataRoot: string;
  /** daemon.json contents (for example `extra-storage`). */
  config: Record<string, unknown>;
  dockerCli: string;
  logDir: string;
  readyTimeoutMs?: number;
  /** overlay2 unless set; null passes no --storage-driver. */
  storageDriver?: string | null;
  /** A containerd of the test's own (its socket) instead of the one dockerd starts. */
  containerd?: string;
}

export interface Daemon {
  name: string;
  docker: DockerClient;
  dataRoot: string;
  execRoot: string;
  logFile: string;
  /** The daemon's process ID from its pidfile (undefined once it is gone). */
  pid(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** storageDriver null leaves the choice to the engine (on v29, its image-store default). */
export function daemonArgs(o: { dataRoot: string; execRoot: string; socket: string; pidfile: string; configFile: string; storageDriver?: string | null; containerd?: string }): string[] {
  const driver = o.storageDriver === null ? [] : ['--storage-driver', o.storageDriver ?? 'overlay2'];
  const containerd = o.containerd ? ['--containerd', o.containerd] : [];
  return [
    '--data-root', o.dataRoot, '--exec-root', o.execRoot, '-H', `unix://${o.socket}`, '--pidfile', o.pidfile,
    '--config-file', o.configFile, '--bridge', 'none', '--iptables=false', '--ip6tables=false',
    '--userland-proxy=false', ...driver, ...containerd, '--log-level', 'debug',
  ];
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const execRoot = join(options.dir, 'exec');
  const socket = join(options.dir, 'docker.sock');
  const pidfile = join(options.dir, 'docker.pid');
  const configFile = join(options.dir, 'daemon.json');
  const logFile = join(options.logDir, `dockerd-${options.name}.log`);
  await mkdir(options.dir, { recursive: true });
  await mkdir(options.dataRoot, { recursive: true });
  await writeFile(configFile, JSON.stringify(options.config, null, 2));
  const docker = dockerClient(options.dockerCli, socket, join(options.dir, 'docker-config'), join(options.logDir, `docker-${options.name}.log`));

  const controller = new AbortController();
  let exited: RunResult | undefined;
  const done = run(options.binary, daemonArgs({ dataRoot: options.dataRoot, execRoot, socket, pidfile, configFile, ...(options.storageDriver !== undefined ? { storageDriver: options.storageDriver } : {}), ...(options.containerd ? { containerd: options.containerd } : {}) }), {
    cwd: options.dir,
    logFile,
    signal: controller.signal,
    reject: false,
    tailLines: 20,
  }).then(
    (result) => (exited = result),
    (error: unknown) => (exited = { stdout: '', stderr: String(error), exitCode: -1 }),
  );

  const pid = async () => {
    const value = Number((await readFile(pidfile, 'utf8').catch(orIfMissing('')) /* not written yet, or removed at exit */).trim());
    return value > 0 && isAlive(value) ? value : undefined;
  };
  const stop = async () => {
    const running = await pid();
    if (running) await stopProcess(running, 20_000);
    controller.abort();
    await Promise.race([done, sleep(10_000)]);
    await killMentioning(execRoot);
    await unmountAll(options.dataRoot);
    await rm(pidfile, { force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited) {
      // dockerd bind-mounts its data-root onto itself (for mount propagation) before it builds the
      // daemon, and v29 leaves that mount when the start fails after it, as a refused store does.
      await unmountAll(options.dataRoot);
      throw new DaemonStartError(options.name, `exited with code ${exited.exitCode}`, logFile, await logTail(logFile));
    }
    const probe = await docker.call(['version', '--format', '{{.Server.Version}}'], { reject: false, timeoutMs: 5000 });
    if (probe.exitCode === 0) return { name: options.name, docker, dataRoot: options.dataRoot, execRoot, logFile, pid, stop };
    await sleep(300);
  }
  await stop();
  throw new DaemonStartError(options.name, `did not answer within ${(options.readyTimeoutMs ?? 60_000) / 1000}s`, logFile, await logTail(logFile));
}

export async function logTail(logFile: string, lines = 8): Promise<string[]> {
  const text = await readFile(logFile, 'utf8').catch(orIfMissing('')); // a daemon that never started
  return text.split('\n').filter((l) => l && !l.startsWith('$ ')).slice(-lines);
}
