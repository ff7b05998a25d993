/**
 * The loopback registry's access log (distribution's combined-format lines, one per request), read
 * to count what a pull took from the registry and to prove an extra pull took nothing.
 */

export interface RegistryRequest {
  method: string;
  path: string;
  status: number;
  /** Response body bytes ("-" counts as 0). */
  bytes: number;
}

// 127.0.0.1 - - [06/Dec/2026:13:52:00 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
const ACCESS_LINE = /^\S+ \S+ \S+ \[[^\]]+\] "(\S+) (\S+)[^"]*" (\d{3}) (\d+|-)/;

/** The requests in a slice of the log; every other line (the registry's own messages) is ignored. */
export function parseAccessLog(text: string): RegistryRequest[] {
  const out: RegistryRequest[] = [];
  for (const line of text.split('\n')) {
    const m = ACCESS_LINE.exec(line.trim());
    if (m) out.push({ method: m[1]!, path: m[2]!, status: Number(m[3]), bytes: m[4] === '-' ? 0 : Number(m[4]) });
  }
  return out;
}

/** Bytes the registry sent: every response body, blobs and manifests alike. */
export function egressBytes(requests: readonly RegistryRequest[]): number {
  return requests.reduce((sum, r) => sum + r.bytes, 0);
}

/** "GET /v2/bench/scaled/manifests/10x64M-extra 404" — how a request is named in a failure. */
export function describeRequest(r: RegistryRequest): string {
  return `${r.method} ${r.path} ${r.status}`;
}
