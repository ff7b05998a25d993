/**
 * Go's encoding/json matches struct fields ignoring case ("GC" fills BuilderConfig.GC, documented as
 * "gc"). Before ajv, keys of such objects (x-go-case-insensitive in the schema) are renamed to the
 * schema's spelling so their values are still checked; pointers are mapped back for the findings.
 */
import { escapePointerToken } from './positions.ts';
import { childSchema, resolveRef, type RootSchema, type SchemaNode } from './schema.ts';
import { isObject, type JsonValue } from './value.ts';

export interface Canonical {
  value: JsonValue;
  /** Canonical pointer → the pointer as written, for each renamed key. */
  renamed: Map<string, string>;
  /** Keys written twice in different case ("size", "Size"): Go fills the one field twice, the later over the earlier. */
  caseDuplicates: Array<{ dropped: string; kept: string }>;
}

export function canonicalize(value: JsonValue, root: RootSchema): Canonical {
  const result: Canonical = { value: null, renamed: new Map(), caseDuplicates: [] };
  result.value = walk(root, value, root, '', '', result);
  return result;
}

function walk(root: RootSchema, value: JsonValue, schema: SchemaNode | undefined, canon: string, orig: string, result: Canonical): JsonValue {
  if (Array.isArray(value)) return value.map((item, i) => walk(root, item, childSchema(root, schema, String(i)), `${canon}/${i}`, `${orig}/${i}`, result));
  if (!isObject(value)) return value;
  const node = resolveRef(root, schema);
  const names = node?.['x-go-case-insensitive'] ? Object.keys(node.properties ?? {}) : [];
  const out = Object.create(null) as { [key: string]: JsonValue };
  const writtenAs = new Map<string, string>();
  for (const [key, child] of Object.entries(value)) {
    const spelled = key in (node?.properties ?? {}) ? key : (names.find((n) => n.toLowerCase() === key.toLowerCase()) ?? key);
    const c = `${canon}/${escapePointerToken(spelled)}`;
    const o = `${orig}/${escapePointerToken(key)}`;
    const earlier = writtenAs.get(spelled);
    if (earlier !== undefined) result.caseDuplicates.push({ dropped: earlier, kept: o });
    writtenAs.set(spelled, o);
    if (spelled !== key || c !== o) result.renamed.set(c, o);
    else result.renamed.delete(c);
    out[spelled] = walk(root, child, childSchema(root, schema, key), c, o, result);
  }
  return out;
}

/** The pointer as written in the file for a canonical pointer. */
export function originalPointer(canonical: string, renamed: ReadonlyMap<string, string>): string {
  if (renamed.size === 0) return canonical;
  const tokens = canonical.split('/');
  for (let n = tokens.length; n > 1; n--) {
    const prefix = tokens.slice(0, n).join('/');
    const orig = renamed.get(prefix);
    if (orig !== undefined) return orig + canonical.slice(prefix.length);
  }
  return canonical;
}
