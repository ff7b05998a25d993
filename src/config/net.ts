/**
 * Address parsing with Go's strictness (net.ParseIP, netip.ParsePrefix). Written out rather than
 * node:net's isIP: loading node:net and compiling its IPv6 regular expression costs more start-up
 * time than the whole validation of a file.
 */

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  const all = [...head, ...tail];
  let width = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false;
    all.pop();
    width += 1; // an embedded IPv4 address fills two groups
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? width <= 7 : width === 8;
}

/** 4 or 6 for an IP address Go's net.ParseIP accepts, else 0. Zones (fe80::1%eth0) are refused, as Go does. */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  return text.includes(':') && isIPv6(text) ? 6 : 0;
}

export interface Prefix {
  version: 4 | 6;
  bits: number;
}

/** An address/bits prefix as netip.ParsePrefix reads it, or undefined. */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const version = ipVersion(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!version || !/^(0|[1-9]\d{0,2})$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > (version === 4 ? 32 : 128)) return undefined;
  return { version, bits };
}

/** host[:port] as a registry name: letters, digits, dots, dashes, optional port. */
export function isHostPort(text: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(:(\d{1,5}))?$/.exec(text);
  return m !== null && (m[6] === undefined || Number(m[6]) <= 65535);
}
