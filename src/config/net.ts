/** Address parsing with Go's strictness (net.ParseIP, netip.ParsePrefix), on top of node:net. */
import { isIP } from 'node:net';

/** 4 or 6 for an IP address Go's net.ParseIP accepts, else 0. Zones (fe80::1%eth0) are refused, as Go does. */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (text.includes('%')) return 0;
  const v = isIP(text);
  if (v === 4 && text.split('.').some((part) => part.length > 1 && part.startsWith('0'))) return 0;
  return v as 0 | 4 | 6;
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
