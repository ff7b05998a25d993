/**
 * Is a directory the data-root of a running dockerd? A store tool that copies or changes a live
 * data-root would publish half-written layers, so it refuses. A dockerd is recognised by its
 * process name; its data-root is its --data-root (or the older -g/--graph) flag, else the
 * "data-root" of its --config-file (default /etc/docker/daemon.json), else /var/lib/docker.
 * Reads /proc only.
 */
import { readFile, readdir, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface RunningDockerd {
  pid: number;
  dataRoot: string;
}

const DEFAULT_DATA_ROOT = '/var/lib/docker';
const DEFAULT_CONFIG = '/etc/docker/daemon.json';

/** The value of a flag in argv, in either form (`--flag=v`, `--flag v`); the last one wins, as in dockerd. */
export function flagValue(argv: readonly string[], names: readonly string[]): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    for (const name of names) {
      if (arg === name && i + 1 < argv.length) value = argv[i + 1];
      else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
    }
  });
  return value;
}

/** The data-root a dockerd started with argv (in cwd) uses, reading its config file when it has no flag. */
export async function dataRootOf(argv: readonly string[], cwd: string): Promise<string> {
  const flag = flagValue(argv, ['--data-root', '-g', '--graph']);
  if (flag) return resolve(cwd, flag);
  const configFile = resolve(cwd, flagValue(argv, ['--config-file']) ?? DEFAULT_CONFIG);
  const config = await readFile(configFile, 'utf8').then((text) => JSON.parse(text) as unknown, () => undefined);
  const fromConfig = config && typeof config === 'object' ? (config as Record<string, unknown>)['data-root'] : undefined;
  return typeof fromConfig === 'string' ? resolve(cwd, fromConfig) : DEFAULT_DATA_ROOT;
}

/** Every running dockerd and its data-root, real paths. */
export async function runningDockerds(): Promise<RunningDockerd[]> {
  const found: RunningDockerd[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const comm = (await readFile(`/proc/${name}/comm`, 'utf8')).trim();
      if (comm !== 'dockerd') continue;
      const argv = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
      const cwd = await realpath(`/proc/${name}/cwd`).catch(() => '/');
      const dataRoot = await dataRootOf(argv.slice(1), cwd);
      found.push({ pid: Number(name), dataRoot: await realpath(dataRoot).catch(() => dataRoot) });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** The running dockerd whose data-root is dir, if any. */
export async function dockerdUsing(dir: string): Promise<RunningDockerd | undefined> {
  const real = await realpath(dir).catch(() => dir);
  return (await runningDockerds()).find((d) => d.dataRoot === real);
}
