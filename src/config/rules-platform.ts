/**
 * dockerd v28 and v29 Linux checks on the bridge, runtime and build settings: validatePlatformConfig, the
 * exec-opts parser, the Go decoder's text types (netip.Prefix, MemBytes), and start-up checks.
 */
import { posix } from 'node:path';
import { ipVersion, parsePrefix } from './net.ts';
import { isObject } from './value.ts';
import { issue, str, stringItems, type Rule, type RuleIssue, SIZE } from './rule-kit.ts';


/** v28 only: v29 no longer reads the key, so the schema of v29 reports it as removed (engine-keys.ts). */
const corsHeader: Rule = ({ config, line }) => {
  if (line !== 'v28') return [];
  const v = str(config, 'api-cors-header');
  return v ? [issue('/api-cors-header', 'api-cors-header', 'api-cors-header was removed in v28 and dockerd refuses to start with it; put a reverse proxy in front of the API instead', 'error', 'key')] : [];
};

const execOpts: Rule = ({ config }) =>
  stringItems(config, 'exec-opts').flatMap(([p, raw]) => {
    const eq = raw.indexOf('=');
    const key = (eq < 0 ? raw : raw.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : raw.slice(eq + 1).trim();
    if (eq < 0 || !key || !value) return [issue(p, 'exec-opts', `exec-opt ${JSON.stringify(raw)} must be opt=value`)];
    if (key === 'isolation') return [issue(p, 'exec-opts', 'exec-opt isolation is only supported on Windows')];
    if (key !== 'native.cgroupdriver') return [issue(p, 'exec-opts', `unknown exec-opt "${key}"; on Linux the only one is native.cgroupdriver`)];
    if (value !== 'cgroupfs' && value !== 'systemd') return [issue(p, 'exec-opts', `native.cgroupdriver must be cgroupfs or systemd (at start-up), got ${JSON.stringify(value)}`)];
    return [];
  });

const userlandProxy: Rule = ({ config }) => {
  const path = str(config, 'userland-proxy-path');
  if (config['userland-proxy'] === false || path === undefined || path === '' || posix.isAbsolute(path)) return [];
  return [issue('/userland-proxy-path', 'userland-proxy-path', `userland-proxy-path must be an absolute path, got ${JSON.stringify(path)}`)];
};

const subnets: Rule = ({ config }) => {
  const out: RuleIssue[] = [];
  for (const [key, version, startUp] of [['fixed-cidr-v6', 6, false], ['fixed-cidr', 4, true], ['bip', 4, true], ['bip6', 6, true]] as const) {
    const v = str(config, key);
    if (!v) continue;
    const prefix = parsePrefix(v);
    if (!prefix || prefix.version !== version) {
      out.push(issue(`/${key}`, key, `${key} must be an IPv${version} subnet such as ${version === 4 ? '172.17.0.0/16' : '2001:db8:1::/64'}, got ${JSON.stringify(v)}${startUp ? ' (at start-up)' : ''}`));
    }
  }
  return out;
};

const addressPools: Rule = ({ config }) => {
  const pools = config['default-address-pools'];
  if (!Array.isArray(pools)) return [];
  return pools.flatMap((pool, i): RuleIssue[] => {
    if (!isObject(pool)) return [];
    const get = (name: string) => Object.entries(pool).find(([k]) => k.toLowerCase() === name)?.[1];
    const base = get('base');
    const size = get('size');
    const p = `/default-address-pools/${i}`;
    if (typeof base !== 'string') return base === undefined ? [issue(p, 'default-address-pools', 'an address pool needs "base" (a subnet such as 10.10.0.0/16)')] : [];
    const prefix = parsePrefix(base);
    if (!prefix) return [issue(`${p}/base`, 'default-address-pools', `base ${JSON.stringify(base)} is not a subnet (address/bits)`)];
    if (typeof size !== 'number') return size === undefined ? [issue(p, 'default-address-pools', 'an address pool needs "size" (the prefix length of each network)')] : [];
    const max = prefix.version === 4 ? 32 : 128;
    if (size < prefix.bits || size > max) return [issue(`${p}/size`, 'default-address-pools', `size ${size} must be between the base prefix length ${prefix.bits} and ${max} (at start-up)`)];
    return [];
  });
};

const shmSize: Rule = ({ config }) => {
  const v = str(config, 'default-shm-size');
  return v !== undefined && !SIZE.test(v) ? [issue('/default-shm-size', 'default-shm-size', `${JSON.stringify(v)} is not a size; write e.g. "64M" or "1G"`)] : [];
};

/** BuildKit's Duration: a Go duration ("48h", "1h30m") or whole seconds, in a string; "" is unset. */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
const historyMaxAge: Rule = ({ config }) => {
  const history = isObject(config.builder) && isObject(config.builder.history) ? config.builder.history : undefined;
  const v = history?.maxAge;
  if (typeof v !== 'string' || v === '' || GO_DURATION.test(v) || /^[-+]?\d+$/.test(v)) return [];
  return [issue('/builder/history/maxAge', 'builder', `maxAge ${JSON.stringify(v)} is not a duration; write e.g. "48h" or "3600" (seconds)`)];
};

/** TLS is on with "tls": true, and with "tlsverify" present at all (even false or null); then the server needs its certificate and key. */
const tls: Rule = ({ config }) => {
  if (!(config.tls === true || 'tlsverify' in config)) return [];
  const missing = ['tlscert', 'tlskey'].filter((k) => !str(config, k));
  if (missing.length === 0) return [];
  const needs = `turns TLS on, which needs ${missing.join(' and ')} (the server certificate and key)`;
  if (config.tls === true) return [issue('/tls', 'tls', `"tls": true ${needs}`, 'error', 'key')];
  if (config.tlsverify === true) return [issue('/tlsverify', 'tls', `"tlsverify": true ${needs}`, 'error', 'key')];
  return [issue('/tlsverify', 'tls', `"tlsverify" (present at all, even as ${JSON.stringify(config.tlsverify)}) ${needs}; remove tlsverify to run without TLS`, 'error', 'key')];
};

/**
 * A TCP listener without client-certificate checks: dockerd starts, and logs a warning for it
 * (loadListeners in cmd/dockerd). Client auth is on when TLS is (tls: true, or tlsverify present at
 * all) and tlsverify is not false. Where nothing says TLS is off on purpose (no "tls" and no
 * "tlsverify") and the address is not loopback, dockerd also waits 15 s before serving.
 */
const tcpWithoutTls: Rule = ({ config }) => {
  const tlsOn = config.tls === true || 'tlsverify' in config;
  if (tlsOn && config.tlsverify !== false) return [];
  const deliberate = typeof config.tls === 'boolean' || 'tlsverify' in config;
  return stringItems(config, 'hosts').flatMap(([p, raw]) => {
    const v = raw.trim();
    const sep = v.indexOf('://');
    if (sep >= 0 ? v.slice(0, sep) !== 'tcp' : v === '' && !tlsOn) return [];
    const host = listenerHost(sep >= 0 ? v.slice(sep + 3) : v);
    const slow = !deliberate && ipVersion(host) !== 0 && !isLoopback(host) ? '; for this address it also waits 15 s before serving' : '';
    return [issue(p, 'hosts', 'dockerd warns at start-up: "Binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone ' +
      `who has access to your network."${slow}; set "tlsverify": true with tlscacert, tlscert and tlskey, or listen on a unix socket`, 'warning')];
  });
};

/** The host part of host:port (a bracketed IPv6 address unbracketed), as net.SplitHostPort gives it. */
function listenerHost(addr: string): string {
  const hostPort = addr.replace(/\/.*$/, '');
  if (hostPort.startsWith('[')) return hostPort.slice(1, Math.max(hostPort.indexOf(']'), 1));
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? hostPort : hostPort.slice(0, colon);
}

function isLoopback(ip: string): boolean {
  return /^(::ffff:)?127\./i.test(ip) || /^(0{0,4}:){2,7}0{0,3}1$/.test(ip);
}

/** userns-remap is "default", user, user:group, uid or uid:gid; that the names exist is the host's business. */
const usernsRemap: Rule = ({ config }) => {
  const v = str(config, 'userns-remap');
  if (!v || v.split(':').length <= 2) return [];
  return [issue('/userns-remap', 'userns-remap', `${JSON.stringify(v)} is not user[:group] or uid[:gid]`)];
};

/** dockerd v28 keeps these names only to refuse them at start-up (graphdriver checkRemoved). */
const REMOVED_STORAGE_DRIVERS = new Set(['aufs', 'devicemapper', 'overlay']);

const storageDriver: Rule = ({ config }) => {
  const v = str(config, 'storage-driver');
  if (v === undefined || !REMOVED_STORAGE_DRIVERS.has(v)) return [];
  const hint = v === 'overlay' ? 'use overlay2' : 'use overlay2 (migrate images with docker save/load)';
  return [issue('/storage-driver', 'storage-driver', `the ${v} storage-driver was removed; dockerd refuses to start with it: ${hint}`)];
};

export const platformRules: readonly Rule[] = [corsHeader, execOpts, userlandProxy, subnets, addressPools, shmSize, historyMaxAge, tls, tcpWithoutTls, usernsRemap, storageDriver];
