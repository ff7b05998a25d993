/**
 * Facts about how dockerd v28 treats file keys that are not json tags, read from cmd/dockerd and
 * daemon/config: it checks each top-level key (members of nested objects other than the flat ones are
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
 * Keys dockerd once read and has removed (versions from docker/cli docs/deprecated.md): v28 refuses
 * each as an unknown directive. `instead` is what to do now; `key` is the setting that replaced it.
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

/** Flags that `dockerd --validate --config-file` itself sets: the same key in the file is a conflict. */
export const CONFLICTING_FLAG_NAMES: readonly string[] = ['validate', 'config-file'];


/**
 * Keys whose Go type has its own UnmarshalJSON that refuses null (Go calls it even for null), so a
 * null there stops dockerd, where null elsewhere is skipped: opts.MemBytes.
 */
export const NULL_REFUSED: readonly string[] = ['/default-shm-size'];
