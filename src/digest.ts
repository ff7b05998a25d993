/**
 * The project's one sha256 and one sorted-key JSON. Records, manifests and stamps are compared by
 * these, so two writers that disagreed on either would make equal things look different.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 hex of bytes, or of text as UTF-8 (moby's sources are UTF-8). */
export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** sha256 hex of a file, streamed (binaries are ~90 MB). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Plain code-point order, independent of locale, for paths and keys. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A JSON.stringify replacer that writes every object's keys in code-point order. */
function sortKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => byCodePoint(a, b)));
}

/** JSON with keys sorted at every level: equal values give equal text whatever their key order. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, sortKeys);
}

/** The same as a file's text: two-space indent and a final newline, byte-identical on every write. */
export function sortedJsonFile(value: unknown): string {
  return JSON.stringify(value, sortKeys, 2) + '\n';
}
