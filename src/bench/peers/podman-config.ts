/**
 * What the Podman column tells Podman, as pure functions of their inputs: a private storage.conf
 * (its own graphroot and runroot, the read-only store as an additional image store), a private
 * containers.conf, and the `podman run` command line with the ulimits this machine allows.
 */
import type { HardLimits } from './host.ts';

/** A TOML basic string: JSON's escaping is valid TOML for the paths written here. */
const tomlString = (value: string) => JSON.stringify(value);
const tomlArray = (values: readonly string[]) => `[${values.map(tomlString).join(', ')}]`;

export interface PodmanStorage {
  graphRoot: string;
  runRoot: string;
  /** Read-only image stores Podman looks in before its own graphroot. */
  additionalImageStores: readonly string[];
}

/** containers-storage.conf(5): Podman's image and layer store, overlay on the private roots. */
export function podmanStorageConf(storage: PodmanStorage): string {
  return [
    '[storage]',
    'driver = "overlay"',
    `graphroot = ${tomlString(storage.graphRoot)}`,
    `runroot = ${tomlString(storage.runRoot)}`,
    '',
    '[storage.options]',
    `additionalimagestores = ${tomlArray(storage.additionalImageStores)}`,
    '',
  ].join('\n');
}

/**
 * containers.conf(5), read instead of the host's when CONTAINERS_CONF names it: cgroups managed by
 * Podman itself (no systemd is needed), no event log, temporary files under the private folder.
 */
export function podmanContainersConf(options: { tmpDir: string }): string {
  return [
    '[engine]',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "none"',
    `tmp_dir = ${tomlString(options.tmpDir)}`,
    '',
  ].join('\n');
}

/**
 * `--ulimit` flags a container can be given here. Podman's defaults (1048576 open files and
 * processes) are above this machine's hard limits, and root has no CAP_SYS_RESOURCE to raise them,
 * so runc fails with "error setting rlimits … operation not permitted". Podman also lowers its own
 * RLIMIT_NPROC to kernel.pid_max before it starts conmon and runc (seen: 32768 works, 32769 is
 * refused while the hard limit is 96367), so nproc is the smaller of the two.
 */
export function podmanUlimitArgs(limits: HardLimits, pidMax: number): string[] {
  const nproc = Math.min(limits.nproc, pidMax);
  // An unlimited hard limit leaves Podman's own default, which then fits.
  return [
    ...(Number.isFinite(limits.nofile) ? ['--ulimit', `nofile=${limits.nofile}:${limits.nofile}`] : []),
    ...(Number.isFinite(nproc) ? ['--ulimit', `nproc=${nproc}:${nproc}`] : []),
  ];
}

/** `podman run` of the probe: no pull, no network, removed at exit. */
export function podmanRunArgs(ref: string, probe: readonly string[], ulimits: readonly string[]): string[] {
  return ['run', '--rm', '--pull', 'never', '--network', 'none', ...ulimits, ref, ...probe];
}
