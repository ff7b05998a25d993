/**
 * The engine's structural check of a layer's tar-split.json.gz (extrastorage/tarsplit.go
 * checkTarSplit), not a tar-split reader: gunzipped within a cap, one JSON entry per line, each line
 * bounded, and every file entry named by a path inside the layer (`docker save` opens those names
 * below the layer's directory). Rebuilding the tar is the engine's job (`store check --deep`).
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { MAX_TAR_SPLIT_ENTRIES, MAX_TAR_SPLIT_ENTRY, MAX_TAR_SPLIT_UNPACKED } from './limits.ts';

/** tar-split storage.FileType: an entry that names a file whose bytes come from the layer. */
const FILE_TYPE = 1;

/** undefined when the engine accepts it, else why it refuses it. */
export async function checkTarSplit(gz: Uint8Array): Promise<string | undefined> {
  let unpacked = 0;
  let pending: Buffer = Buffer.alloc(0);
  let n = 0;
  try {
    for await (const chunk of Readable.from([gz]).pipe(createGunzip())) {
      unpacked += (chunk as Buffer).length;
      if (unpacked > MAX_TAR_SPLIT_UNPACKED) return `unpacked tar-split too large (more than ${MAX_TAR_SPLIT_UNPACKED} bytes)`;
      pending = Buffer.concat([pending, chunk as Buffer]);
      let newline: number;
      while ((newline = pending.indexOf(0x0a)) !== -1) {
        const problem = checkLine(n, pending.subarray(0, newline + 1));
        if (problem) return problem;
        pending = pending.subarray(newline + 1);
        n++;
      }
      if (pending.length >= MAX_TAR_SPLIT_ENTRY) return `entry ${n} is longer than ${MAX_TAR_SPLIT_ENTRY} bytes`;
    }
  } catch (error) {
    return `not gzip: ${(error as Error).message}`;
  }
  return pending.length > 0 ? checkLine(n, pending) : undefined;
}

function checkLine(n: number, line: Buffer): string | undefined {
  if (line.length > MAX_TAR_SPLIT_ENTRY) return `entry ${n} is longer than ${MAX_TAR_SPLIT_ENTRY} bytes`;
  const text = line.toString('utf8').trim();
  if (text === '') return undefined;
  if (n >= MAX_TAR_SPLIT_ENTRIES) return `more than ${MAX_TAR_SPLIT_ENTRIES} entries`;
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch (error) {
    return `entry ${n}: ${(error as Error).message}`;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `entry ${n}: not a JSON object`;
  const e = entry as Record<string, unknown>;
  const wrong = FIELDS.find(([key, ok]) => e[key] !== undefined && e[key] !== null && !ok(e[key]));
  if (wrong) return `entry ${n}: field ${wrong[0]} is not ${wrong[2]}`;
  if (e.type !== FILE_TYPE) return undefined;
  const name = entryName(e);
  if (!isLocal(name)) return `file entry ${JSON.stringify(name)} is not a path inside the layer`;
  if (typeof e.size === 'number' && e.size < 0) return `file entry ${JSON.stringify(name)} has a negative size`;
  return undefined;
}

const isInteger = (v: unknown) => Number.isSafeInteger(v);
const isString = (v: unknown) => typeof v === 'string';
const isBase64 = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0;
/** storage.Entry's fields and their Go types: json.Unmarshal refuses any other. */
const FIELDS: readonly (readonly [string, (v: unknown) => boolean, string])[] = [
  ['type', isInteger, 'an integer'],
  ['name', isString, 'a string'],
  ['name_raw', isBase64, 'base64'],
  ['size', isInteger, 'an integer'],
  ['payload', isBase64, 'base64'],
  ['position', isInteger, 'an integer'],
];

/** storage.Entry.GetName: name_raw (base64 bytes) when present, else name. */
function entryName(e: { name?: unknown; name_raw?: unknown }): string {
  if (typeof e.name_raw === 'string' && e.name_raw !== '') return Buffer.from(e.name_raw, 'base64').toString('latin1');
  return typeof e.name === 'string' ? e.name : '';
}

/** Go's filepath.IsLocal(filepath.Clean(name)) on Linux: relative and never above its start ("" cleans to "."). */
function isLocal(name: string): boolean {
  if (name.startsWith('/')) return false;
  let depth = 0;
  for (const part of name.split('/')) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return false;
  }
  return true;
}
