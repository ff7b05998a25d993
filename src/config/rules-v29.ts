/**
 * Checks of the keys v29 added, as its daemon/config Validate and start-up make them (rule ids match
 * the key). A key v28 does not read is an unknown key there, so each rule runs from v29 on only.
 */
import { int, issue, str, type Rule } from './rule-kit.ts';

/** The range of Engine API versions docker-v29.7.2 serves (daemon/config: MinAPIVersion, MaxAPIVersion). */
const API_VERSIONS = { oldest: '1.24', newest: '1.55' };

const fromV29 = (rule: Rule): Rule => (ctx) => (ctx.line === 'v28' ? [] : rule(ctx));

const defaultStopTimeout: Rule = ({ config }) => {
  const v = int(config, 'default-stop-timeout');
  return v !== undefined && v < 0 ? [issue('/default-stop-timeout', 'default-stop-timeout', `default-stop-timeout must not be negative (got ${v}); 0 kills containers at once`)] : [];
};

/**
 * The daemon compares versions part by part as numbers (daemon/internal/versions), and refuses at
 * start-up one outside the range it serves; a "v" prefix or a word reads as 0, so as too old.
 */
const minApiVersion: Rule = ({ config }) => {
  const v = str(config, 'min-api-version');
  if (v === undefined || v === '') return [];
  const range = `between ${API_VERSIONS.oldest} and ${API_VERSIONS.newest}`;
  if (!/^\d+(\.\d+)*$/.test(v)) return [issue('/min-api-version', 'min-api-version', `${JSON.stringify(v)} is not an API version; write it as "1.44", without "v" (${range})`)];
  if (compareVersions(v, API_VERSIONS.oldest) < 0 || compareVersions(v, API_VERSIONS.newest) > 0) {
    return [issue('/min-api-version', 'min-api-version', `min-api-version ${v} is outside the API versions this engine serves (${range}): dockerd refuses it at start-up`)];
  }
  return [];
};

/** daemon/internal/versions compare: dot-separated parts as integers, a missing part as 0. */
function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** "mark" or "mark/mask", each as Go's strconv.ParseUint(s, 0, 32) reads it (0x, 0o, 0b, a leading 0, "_" between digits). */
const fwmark: Rule = ({ config }) => {
  const v = str(config, 'bridge-accept-fwmark');
  if (v === undefined || v === '') return [];
  const slash = v.indexOf('/');
  const [mark, mask] = slash < 0 ? [v, undefined] : [v.slice(0, slash), v.slice(slash + 1)];
  const bad = [['firewall mark', mark], ['firewall mask', mask]].find(([, part]) => part !== undefined && parseUint32(part as string) === undefined);
  if (!bad) return [];
  return [issue('/bridge-accept-fwmark', 'bridge-accept-fwmark', `invalid ${bad[0]} ${JSON.stringify(bad[1])} in ${JSON.stringify(v)}: write mark or mark/mask as 32-bit numbers, e.g. "0x100/0xff00"`)];
};

const GO_UINT = /^(0[xX](_?[0-9a-fA-F])+|0[bB](_?[01])+|0[oO](_?[0-7])+|0(_?[0-7])*|[1-9](_?\d)*)$/;

function parseUint32(text: string): number | undefined {
  if (!GO_UINT.test(text)) return undefined;
  const digits = text.replace(/_/g, '');
  const value = BigInt(/^0\d/.test(digits) ? `0o${digits.slice(1)}` : digits);
  return value <= 0xffffffffn ? Number(value) : undefined;
}

export const v29Rules: readonly Rule[] = [defaultStopTimeout, minApiVersion, fwmark].map(fromV29);
