/**
 * Runs a command so that nothing outside the build folder changes on the host: a private mount
 * namespace (unshare) in which the root filesystem is an overlay whose upper layer is a tmpfs, the
 * build folder bind-mounted through. The spec's writes to /go and /usr/local/bin/docker-init land
 * in the tmpfs and vanish with the namespace; what was written there is printed, for the log.
 */
import { MissingToolError } from '../errors.ts';
import { NeedsRootError } from './errors.ts';

/** Lines the script prints for each path written outside the build folder, so callers can show them. */
export const WROTE_PREFIX = 'sandbox-wrote: ';

/**
 * The script run by `unshare --mount --propagation private bash -c SCRIPT sandbox BUILD MNT CMD...`.
 * $1 = build folder (bound through, writes persist), $2 = empty folder for the mounts, rest = command.
 */
export const SANDBOX_SCRIPT = String.raw`set -euo pipefail
build=$1 mnt=$2; shift 2
mkdir -p "$mnt/layer" "$mnt/root"
mount -t tmpfs -o mode=0755 dockerd-extra-layer "$mnt/layer"
mkdir -p "$mnt/layer/upper" "$mnt/layer/work"
mount -t overlay dockerd-extra-root -o "lowerdir=/,upperdir=$mnt/layer/upper,workdir=$mnt/layer/work" "$mnt/root"
for fs in proc sys dev; do mount --rbind "/$fs" "$mnt/root/$fs"; done
mount --bind "$build" "$mnt/root$build"
status=0
chroot "$mnt/root" /usr/bin/env --chdir="$build" "$@" || status=$?
# The upper layer holds exactly what the command wrote outside the build folder.
(cd "$mnt/layer/upper" && find . -mindepth 1 \( -not -type d -o -type d -empty \) -printf '${WROTE_PREFIX}/%P\n' | sort | head -n 50) || true
exit $status
`;

export interface SandboxCommand {
  command: string;
  args: string[];
}

/** The unshare command line that runs `inner` (argv, its env given as NAME=VALUE first) in the sandbox. */
export function sandboxCommand(buildDir: string, mountDir: string, env: Record<string, string>, inner: readonly string[]): SandboxCommand {
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return {
    command: 'unshare',
    args: ['--mount', '--propagation', 'private', '--', 'bash', '-c', SANDBOX_SCRIPT, 'sandbox', buildDir, mountDir, ...assignments, ...inner],
  };
}

export function assertCanSandbox(uid: number, unshare: string | undefined): void {
  if (!unshare) throw new MissingToolError('unshare', 'install util-linux (apt-get install util-linux / dnf install util-linux)');
  if (uid !== 0) throw new NeedsRootError(uid);
}
