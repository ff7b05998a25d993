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
  'containerd-plugins-namespace': 'containerd-namespace',
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
 * Members of a runtime that real files carry under another name: nvidia-ctk writes "args" (the Go
 * field is Args, but its json tag is runtimeArgs, so encoding/json never fills it from "args").
 */
export const RUNTIME_MEMBER_ALIASES: Readonly<Record<string, string>> = { args: 'runtimeArgs' };

/** Flags that `dockerd --validate --config-file` itself sets: the same key in the file is a conflict. */
export const CONFLICTING_FLAG_NAMES: readonly string[] = ['validate', 'config-file'];


/**
 * Keys whose Go type has its own UnmarshalJSON that refuses null (Go calls it even for null), so a
 * null there stops dockerd, where null elsewhere is skipped: opts.MemBytes.
 */
export const NULL_REFUSED: readonly string[] = ['/default-shm-size'];
