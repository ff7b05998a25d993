/**
 * A private containerd (Debian's 1.6) for the stargz column: its own root, state and socket under
 * the column's folder, no CRI and no /opt plugin folder on the host, and optionally the stargz
 * snapshotter as a proxy plugin. The config text is a pure function; `startContainerd` runs it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../exec/run.ts';
import { killMentioning } from '../../e2e/processes.ts';
import { startBackground, type Background } from './background.ts';

export interface ContainerdLayout {
  root: string;
  state: string;
  /** The gRPC socket ctr and ctr-remote talk to. */
  address: string;
  /** Remote snapshotters served by other processes, by name: the socket each listens on. */
  proxySnapshotters?: Readonly<Record<string, string>>;
}

const tomlString = (value: string) => JSON.stringify(value);

/** Unix socket paths are limited to 107 bytes; a longer one fails late with a vague error. */
export const MAX_SOCKET_PATH = 107;

export function containerdConfig(layout: ContainerdLayout): string {
  for (const socket of [layout.address, ...Object.values(layout.proxySnapshotters ?? {})]) {
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) throw new RangeError(`socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes`);
  }
  const lines = [
    'version = 2',
    `root = ${tomlString(layout.root)}`,
    `state = ${tomlString(layout.state)}`,
    // CRI would start CNI and image services nobody uses here; "opt" would create /opt/containerd.
    'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]',
    '',
    '[grpc]',
    `  address = ${tomlString(layout.address)}`,
  ];
  for (const [name, socket] of Object.entries(layout.proxySnapshotters ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new RangeError(`snapshotter name "${name}" is not a plain lower-case word`);
    lines.push('', `[proxy_plugins.${name}]`, '  type = "snapshot"', `  address = ${tomlString(socket)}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface PrivateContainerd extends Background {
  address: string;
}

export async function startContainerd(dir: string, layout: ContainerdLayout, logFile: string, signal?: AbortSignal): Promise<PrivateContainerd> {
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'containerd.toml');
  await writeFile(config, containerdConfig(layout));
  const daemon = await startBackground({
    name: 'containerd',
    command: 'containerd',
    args: ['--config', config, '--log-level', 'warn'],
    cwd: dir,
    logFile,
    socket: layout.address,
    marker: config,
    ready: async () => (await run('ctr', ['--address', layout.address, 'version'], { cwd: dir, timeoutMs: 5000, reject: false })).exitCode === 0,
    signal,
  });
  // Shims outlive a containerd that was killed; they name its socket in their command line.
  const stop = async () => {
    await daemon.stop();
    await killMentioning(layout.address);
  };
  return { stop, address: layout.address };
}
