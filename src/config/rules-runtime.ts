/**
 * What containers run with: runtimes, default-runtime and default-ulimits. dockerd --validate reads
 * them as plain maps; their mistakes show at start-up (setupRuntimes) or at every container start.
 */
import { escapePointerToken } from './positions.ts';
import { isObject } from './value.ts';
import { issue, str, type Rule, type RuleIssue } from './rule-kit.ts';

const runtimes: Rule = ({ config }) => {
  const all = config.runtimes;
  if (!isObject(all)) return [];
  return Object.entries(all).flatMap(([name, rt]): RuleIssue[] => {
    const p = `/runtimes/${escapePointerToken(name)}`;
    if (name === 'runc') return [issue(p, 'runtimes', 'the runtime name "runc" is reserved for the stock runtime; choose another name (at start-up)', 'error', 'key')];
    if (!isObject(rt)) return [];
    const has = (k: string) => Object.keys(rt).some((key) => key.toLowerCase() === k.toLowerCase());
    if (has('path') && has('runtimeType')) return [issue(p, 'runtimes', 'a runtime has either "path" (a runc-like binary) or "runtimeType" (a containerd shim), not both (at start-up)')];
    return [];
  });
};

/** The runtimes dockerd v28 defines itself on Linux (daemon/runtime_unix.go stockRuntimes). */
export const BUILT_IN_RUNTIMES = ['runc', 'io.containerd.runc.v2'];

/**
 * A name containerd resolves to a shim binary on PATH (prefix.name.version, no "/"), which dockerd
 * accepts as a default runtime without a "runtimes" entry; whether the shim is installed is the host's business.
 */
function isContainerdShimName(name: string): boolean {
  return !name.includes('/') && name.indexOf('.') > 0;
}

const defaultRuntime: Rule = ({ config }) => {
  const name = str(config, 'default-runtime');
  if (!name || BUILT_IN_RUNTIMES.includes(name) || isContainerdShimName(name)) return [];
  if (isObject(config.runtimes) && Object.hasOwn(config.runtimes, name)) return [];
  return [issue('/default-runtime', 'default-runtime', `default runtime "${name}" is neither built in (${BUILT_IN_RUNTIMES.join(', ')}) nor defined in "runtimes": ` +
    `dockerd refuses to start ("specified default runtime '${name}' does not exist"); add it to "runtimes" or remove default-runtime`)];
};

/** Names runc maps to RLIMIT_*, which dockerd builds by upper-casing Name (daemon/oci_linux.go). */
const ULIMIT_NAMES = ['as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

/**
 * The map key of default-ulimits only pairs the default with a container's own --ulimit; the limit set
 * is the entry's Name. Without one (or with a name runc does not know) every container fails to start.
 */
const defaultUlimits: Rule = ({ config }) => {
  const all = config['default-ulimits'];
  if (!isObject(all)) return [];
  return Object.entries(all).flatMap(([key, ulimit]): RuleIssue[] => {
    if (!isObject(ulimit)) return [];
    const p = `/default-ulimits/${escapePointerToken(key)}`;
    const name = ulimit.Name;
    if (name === undefined || name === null || name === '') {
      const example = ULIMIT_NAMES.includes(key.toLowerCase()) ? key.toLowerCase() : 'nofile';
      return [issue(p, 'default-ulimits', `this ulimit has no "Name": every container then fails to start ("wrong rlimit value: RLIMIT_"); add "Name": "${example}"`, 'error', 'key')];
    }
    if (typeof name === 'string' && !ULIMIT_NAMES.includes(name.toLowerCase())) {
      return [issue(`${p}/Name`, 'default-ulimits', `"${name}" is not a ulimit: every container fails to start ("wrong rlimit value: RLIMIT_${name.toUpperCase()}"); use one of ${ULIMIT_NAMES.join(', ')}`)];
    }
    return [];
  });
};

export const runtimeRules: readonly Rule[] = [runtimes, defaultRuntime, defaultUlimits];
