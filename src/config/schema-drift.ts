/**
 * Compares the keys (and JSON types) the engine's Go structs decode with the keys of our schema:
 * `missing` = the engine reads a key the schema lacks, `excess` = the schema has a key the engine does
 * not read (unless listed as a known extra with its reason), `type` = the JSON types disagree.
 */
import type { CustomJson, JsonKey } from './go-structs.ts';
import { resolveRef, type RootSchema, type SchemaNode } from './schema.ts';

export interface Drift {
  pointer: string;
  kind: 'missing' | 'excess' | 'type' | 'engine';
  detail: string;
}

interface SchemaKey {
  pointer: string;
  node: SchemaNode;
  caseInsensitive: boolean;
}

export function schemaKeys(root: RootSchema, at: SchemaNode = root, prefix = '', depth = 0): SchemaKey[] {
  const node = resolveRef(root, at);
  if (!node || depth > 8) return [];
  const out: SchemaKey[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const resolved = resolveRef(root, child) as SchemaNode;
    out.push({ pointer: `${prefix}/${name}`, node: resolved, caseInsensitive: node['x-go-case-insensitive'] === true });
    out.push(...schemaKeys(root, resolved, `${prefix}/${name}`, depth + 1));
  }
  if (typeof node.additionalProperties === 'object') out.push(...schemaKeys(root, node.additionalProperties, `${prefix}/*`, depth + 1));
  if (node.items) out.push(...schemaKeys(root, node.items, `${prefix}/*`, depth + 1));
  return out;
}

/** JSON type a Go type decodes from; undefined when we cannot tell (then no type check). */
export function jsonTypeOfGo(goType: string, custom: CustomJson): string | undefined {
  const t = goType.replace(/^\*/, '');
  if (t.startsWith('[]')) return 'array';
  if (t.startsWith('map[')) return 'object';
  const base = t.replace(/^.*\./, '');
  if (custom[base]) return jsonTypeOfGo(custom[base] as string, custom);
  if (/^(string|IP|Addr|Prefix|OutputFormat|MemBytes)$/.test(base)) return 'string';
  if (base === 'bool') return 'boolean';
  if (/^u?int(8|16|32|64)?$/.test(base)) return 'integer';
  if (/^[A-Z]/.test(base) && !custom[base] && custom[base] !== '') return 'object';
  return undefined;
}

export function compareKeys(goKeys: readonly JsonKey[], schema: RootSchema, knownExtra: Readonly<Record<string, string>>, custom: CustomJson): Drift[] {
  const ours = schemaKeys(schema);
  const norm = (p: string, ci: boolean) => (ci ? p.toLowerCase() : p);
  const drifts: Drift[] = [];
  const byPointer = new Map(ours.map((k) => [k.pointer.toLowerCase(), k]));
  for (const g of goKeys) {
    const mine = byPointer.get(g.pointer.toLowerCase());
    if (!mine || (!g.caseInsensitive && !mine.caseInsensitive && mine.pointer !== g.pointer)) {
      drifts.push({ pointer: g.pointer, kind: 'missing', detail: `the engine reads ${g.pointer} (Go type ${g.type}); add it to the schema` });
      continue;
    }
    const want = jsonTypeOfGo(g.type, custom);
    const have = [mine.node.type ?? []].flat();
    if (want && have.length > 0 && !have.includes(want)) {
      drifts.push({ pointer: g.pointer, kind: 'type', detail: `Go type ${g.type} decodes from ${want}, the schema says ${have.join('|')}` });
    }
  }
  const engine = new Set(goKeys.map((g) => norm(g.pointer, true)));
  for (const k of ours) {
    if (engine.has(k.pointer.toLowerCase())) continue;
    if (Object.keys(knownExtra).some((extra) => k.pointer === extra || k.pointer.startsWith(extra + '/'))) continue;
    drifts.push({ pointer: k.pointer, kind: 'excess', detail: `the schema has ${k.pointer} but the engine's structs do not read it; remove it or list it as a known extra` });
  }
  return drifts;
}
