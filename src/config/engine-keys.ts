import type { EngineLine } from './engine-line.ts';

/**
 * Facts about how dockerd v28 and v29 treat file keys that are not json tags, read from cmd/dockerd
 * (v29: daemon/command) and daemon/config: it checks each top-level key (members of nested objects other than the flat ones are
 * checked too) against its command-line flag names, so a flag name that is not a json tag passes
 * --validate and is then silently ignored. We report those as unknown keys and say what happens.
 */

/** Flag names dockerd accepts in the file but never reads from it (the json tag is spelled differently). */
export const IGNORED_FLAG_NAMES: Readonly<Record<string, string>> = {
  'add-runtime': 'runtimes',
  'authorization-plugin': 'authorization-plugins',
  'cdi-spec-dir': 'cdi-spec-dirs',
  'default-address-pool': 'default-address-pools',
  'default-network-opt': 'default-network-opts',
  'default-ulimit': 'default-ulimits',
  'dns-opt': 'dns-opts',
  'exec-opt': 'exec-opts',
  feature: 'features',
  host: 'hosts',
  'insecure-registry': 'insecure-registries',
  label: 'labels',
  'log-opt': 'log-opts',
  'node-generic-resource': 'node-generic-resources',
  'registry-mirror': 'registry-mirrors',
  'storage-opt': 'storage-opts',
  restart: '',
  'http-proxy': 'proxies',
  'https-proxy': 'proxies',
  'no-proxy': 'proxies',
};

/**
 * Flag names whose setting no file key reaches, with the json name dockerd refuses: it looks the
 * file's keys up as flag names, and --containerd-plugins-namespace fills the field whose json tag is
 * "containerd-plugin-namespace", a name no flag has. The command line is the only way.
 */
export const FLAG_ONLY: Readonly<Record<string, string>> = { 'containerd-plugins-namespace': 'containerd-plugin-namespace' };

/**
 * Members of a runtime that real files carry under another name: nvidia-ctk writes "args" (the Go
 * field is Args, but its json tag is runtimeArgs, so encoding/json never fills it from "args").
 */
export const RUNTIME_MEMBER_ALIASES: Readonly<Record<string, string>> = { args: 'runtimeArgs' };

/**
 * Keys dockerd once read and has removed (versions from docker/cli docs/deprecated.md): every line
 * from `removedIn` on refuses each as an unknown directive. `instead` is what to do now; `key` is the
 * setting that replaced it.
 */
export interface RemovedKey {
  removedIn: string;
  instead: string;
  key?: string;
}

const CLASSIC_SWARM: RemovedKey = { removedIn: 'v23.0', instead: 'use Swarm mode (docker swarm init) for overlay networks, and remove the key' };

export const REMOVED_KEYS: Readonly<Record<string, RemovedKey>> = {
  graph: { removedIn: 'v23.0', instead: 'use "data-root"', key: 'data-root' },
  'cluster-store': CLASSIC_SWARM,
  'cluster-store-opts': CLASSIC_SWARM,
  'cluster-advertise': CLASSIC_SWARM,
  'oom-score-adjust': { removedIn: 'v25.0', instead: 'use OOMScoreAdjust= in the systemd unit that starts dockerd (Docker\'s packages set -500), and remove the key' },
  'disable-legacy-registry': { removedIn: 'v19.03', instead: 'V1 registries are gone, so there is nothing to disable: remove the key' },
};

/**
 * Keys a later line removed, by the line that no longer reads them. v28 still decodes api-cors-header
 * (to refuse any value but "" at start-up: rules-platform.ts says so); v29 dropped the field.
 */
const REMOVED_FROM: Readonly<Record<EngineLine, Readonly<Record<string, RemovedKey>>>> = {
  v28: {},
  v29: {
    'api-cors-header': { removedIn: 'v29', instead: 'the API sends no CORS headers any more: put a reverse proxy in front of the API that sets them, and remove the key' },
  },
};

/** What the line says of `key` at the top level if the engine removed it, else undefined. */
export function removedKey(key: string, line: EngineLine): RemovedKey | undefined {
  const ofLine = REMOVED_FROM[line];
  if (Object.hasOwn(ofLine, key)) return ofLine[key];
  return Object.hasOwn(REMOVED_KEYS, key) ? REMOVED_KEYS[key] : undefined;
}

/** Flags that `dockerd --validate --config-file` itself sets: the same key in the file is a conflict. */
export const CONFLICTING_FLAG_NAMES: readonly string[] = ['validate', 'config-file'];


/**
 * Keys whose Go type has its own UnmarshalJSON that refuses null (Go calls it even for null), so a
 * null there stops dockerd, where null elsewhere is skipped: opts.MemBytes.
 */
export const NULL_REFUSED: readonly string[] = ['/default-shm-size'];
