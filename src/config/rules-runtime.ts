/**
 * What containers run with: runtimes and default-ulimits. dockerd --validate reads
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

export const runtimeRules: readonly Rule[] = [runtimes, defaultUlimits];
