/**
 * The checks dockerd v28 makes in config.Validate, validatePlatformConfig and its Go decoder (rule ids
 * match the key), plus a few it only makes when the daemon starts (marked "at start-up"): those pass
 * `dockerd --validate` and then stop the daemon, which is what a user wants to hear before a restart.
 */
import { ipVersion, isHostPort, parsePrefix } from './net.ts';
import { int, issue, str, stringItems, type Rule, type RuleIssue } from './rule-kit.ts';

const LOG_LEVELS = ['panic', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const DOMAIN = /^((?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*)\.?\s*$/;

const logLevel: Rule = ({ config }) => {
  const v = str(config, 'log-level');
  if (v === undefined || v === '' || LOG_LEVELS.includes(v.toLowerCase())) return [];
  return [issue('/log-level', 'log-level', `${JSON.stringify(v)} is not a log level; use one of ${LOG_LEVELS.join(', ')}`)];
};

const dnsSearch: Rule = ({ config }) =>
  stringItems(config, 'dns-search')
    .filter(([, v]) => {
      const t = v.replace(/^ +| +$/g, '');
      return t !== '.' && (!/[a-zA-Z]/.test(t) || !DOMAIN.test(t) || (DOMAIN.exec(t)?.[1]?.length ?? 0) >= 255);
    })
    .map(([p, v]) => issue(p, 'dns-search', `${JSON.stringify(v)} is not a valid search domain`));

const ipAddresses: Rule = ({ config }) => {
  const out: RuleIssue[] = [];
  for (const key of ['dns', 'host-gateway-ips']) {
    for (const [p, v] of stringItems(config, key)) if (!ipVersion(v)) out.push(issue(p, key, `${JSON.stringify(v)} is not an IP address`));
  }
  for (const [key, want] of [['ip', 0], ['default-gateway', 4], ['default-gateway-v6', 6], ['host-gateway-ip', 0]] as const) {
    const v = str(config, key);
    if (v === undefined || v === '') continue;
    const version = ipVersion(v);
    if (!version) out.push(issue(`/${key}`, key, `${JSON.stringify(v)} is not an IP address`));
    else if (want && version !== want) out.push(issue(`/${key}`, key, `${key} must be an IPv${want} address (at start-up), got ${JSON.stringify(v)}`));
  }
  return out;
};

const hostGateway: Rule = ({ config }) => {
  const out: RuleIssue[] = [];
  if (config['host-gateway-ip'] !== undefined && config['host-gateway-ips'] !== undefined) {
    out.push(issue('/host-gateway-ip', 'host-gateway-ips', 'host-gateway-ip and host-gateway-ips must not both be set; keep host-gateway-ips', 'error', 'key'));
  }
  const seen = new Set<number>();
  for (const [p, v] of stringItems(config, 'host-gateway-ips')) {
    const version = ipVersion(v);
    if (version && seen.has(version)) out.push(issue(p, 'host-gateway-ips', `only one IPv${version} host gateway address can be given`));
    seen.add(version);
  }
  return out;
};

const labels: Rule = ({ config }) => {
  const out: RuleIssue[] = [];
  const values = new Map<string, string>();
  for (const [p, v] of stringItems(config, 'labels')) {
    const eq = v.indexOf('=');
    if (eq < 0) { out.push(issue(p, 'labels', `label ${JSON.stringify(v)} must be key=value`)); continue; }
    if (/^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/i.test(v)) out.push(issue(p, 'labels', `label ${JSON.stringify(v)} uses a namespace reserved for the engine (com.docker.*, io.docker.*, org.dockerproject.*)`));
    const [key, val] = [v.slice(0, eq), v.slice(eq + 1)];
    const earlier = values.get(key);
    if (earlier !== undefined && earlier !== val) out.push(issue(p, 'labels', `label ${key} is given twice with different values (${earlier} and ${val})`));
    values.set(key, val);
  }
  return out;
};

const numbers: Rule = ({ config }) => {
  const out: RuleIssue[] = [];
  for (const key of ['max-concurrent-downloads', 'max-concurrent-uploads', 'max-download-attempts']) {
    const v = int(config, key);
    if (v !== undefined && v < 0) out.push(issue(`/${key}`, key, `${key} must not be negative (got ${v})`));
    else if (v === 0) out.push(issue(`/${key}`, key, `${key} 0 is taken as "unset" by dockerd; give a positive number`, 'warning'));
  }
  const mtu = int(config, 'mtu');
  if (mtu !== undefined && mtu < 0) out.push(issue('/mtu', 'mtu', `mtu must not be negative (got ${mtu})`));
  else if (mtu !== undefined && mtu !== 0 && (mtu < 68 || mtu > 65535)) out.push(issue('/mtu', 'mtu', `mtu ${mtu} is outside 68..65535: the default bridge cannot be created at start-up`));
  const port = int(config, 'network-diagnostic-port');
  if (port !== undefined && (port < 0 || port > 65535)) out.push(issue('/network-diagnostic-port', 'network-diagnostic-port', `port must be between 0 and 65535 (got ${port})`));
  for (const key of ['cpu-rt-period', 'cpu-rt-runtime']) {
    if (int(config, key)) out.push(issue(`/${key}`, key, `${key} needs cgroup v1 and a kernel with real-time scheduling; dockerd refuses it on cgroup v2 hosts`, 'warning'));
  }
  return out;
};

const genericResources: Rule = ({ config }) =>
  stringItems(config, 'node-generic-resources')
    .filter(([, v]) => !v.includes('='))
    .map(([p, v]) => issue(p, 'node-generic-resources', `${JSON.stringify(v)} must be name=value`));

const hosts: Rule = ({ config }) =>
  stringItems(config, 'hosts').flatMap(([p, raw]) => {
    const v = raw.trim();
    if (v === '') return [];
    const [proto, addr] = v.includes('://') ? [v.slice(0, v.indexOf('://')), v.slice(v.indexOf('://') + 3)] : ['tcp', v];
    if (!['tcp', 'unix', 'fd', 'npipe'].includes(proto)) return [issue(p, 'hosts', `unsupported protocol "${proto}" in ${JSON.stringify(raw)}; use unix://, tcp:// or fd://`)];
    if (proto === 'tcp') {
      const port = /:([^:\]]*)$/.exec(addr.replace(/\/.*$/, ''))?.[1];
      if (port !== undefined && port !== '' && !(/^\d+$/.test(port) && Number(port) <= 65535)) return [issue(p, 'hosts', `invalid port "${port}" in ${JSON.stringify(raw)}`)];
    }
    return [];
  });

const mirrors: Rule = ({ config }) =>
  stringItems(config, 'registry-mirrors').flatMap(([p, v]) => {
    const scheme = v.indexOf('://') > 0 ? v.slice(0, v.indexOf('://')) : '';
    if (!scheme) return [issue(p, 'registry-mirrors', `mirror ${JSON.stringify(v)} has no scheme: write https://${v}`)];
    let url: URL;
    try { url = new URL(v); } catch { return [issue(p, 'registry-mirrors', `mirror ${JSON.stringify(v)} is not a valid URL`)]; }
    if (scheme !== 'http' && scheme !== 'https') return [issue(p, 'registry-mirrors', `mirror ${JSON.stringify(v)} must use https:// or http://`)];
    if (url.search || url.hash || v.includes('?') || v.includes('#')) return [issue(p, 'registry-mirrors', `mirror ${JSON.stringify(v)} must not have a query or fragment`)];
    if (url.username || url.password) return [issue(p, 'registry-mirrors', 'a mirror URL must not hold a username or password')];
    return [];
  });

const insecureRegistries: Rule = ({ config }) =>
  stringItems(config, 'insecure-registries').flatMap(([p, v]) => {
    const bare = v.replace(/^https?:\/\//i, '');
    if (v.startsWith('-') || v.endsWith('-')) return [issue(p, 'insecure-registries', `${JSON.stringify(v)} must not begin or end with "-"`)];
    if (bare.includes('://')) return [issue(p, 'insecure-registries', `${JSON.stringify(v)} must not have a scheme: write host:port or a CIDR (at start-up)`)];
    if (parsePrefix(bare) || isHostPort(bare)) return [];
    return [issue(p, 'insecure-registries', `${JSON.stringify(v)} is neither host[:port] nor a CIDR; dockerd refuses it at start-up`)];
  });

export const engineRules: readonly Rule[] = [logLevel, dnsSearch, ipAddresses, hostGateway, labels, numbers, genericResources, hosts, mirrors, insecureRegistries];
