/**
 * Reads Go struct declarations (only what daemon.json needs: fields, embedded structs, json tags) and
 * expands them into the tree of JSON keys a type decodes, so scripts/schema-check.ts can compare the
 * engine's keys with schemas/. A line-based reader, not a Go parser: moby's config structs are
 * gofmt-ed, one field per line, which is all it relies on.
 */

export interface GoField {
  name: string; // Go field name; "" when embedded
  type: string; // as written, e.g. "*bool", "[]net.IP", "map[string]*container.Ulimit"
  tag: string | undefined; // the json tag's name part; undefined when there is no json tag
  embedded: boolean;
  skip: boolean; // json:"-"
}

export type GoStructs = Map<string, GoField[]>;

export function parseGoStructs(source: string, into: GoStructs = new Map()): GoStructs {
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^type\s+(\w+)\s+struct\s*\{\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const fields: GoField[] = [];
    for (i++; i < lines.length && !/^\}/.test(lines[i] as string); i++) {
      const field = parseField(lines[i] as string);
      if (field) fields.push(field);
    }
    into.set(open[1] as string, fields);
  }
  return into;
}

function parseField(line: string): GoField | undefined {
  const code = line.replace(/\/\/.*$/, (m) => (m.includes('`') ? m : '')).trim();
  if (!code || code.startsWith('//')) return undefined;
  const tagMatch = /`([^`]*)`/.exec(code);
  const jsonTag = tagMatch ? /json:"([^"]*)"/.exec(tagMatch[1] as string)?.[1] : undefined;
  const tagName = jsonTag === undefined ? undefined : jsonTag.split(',')[0];
  const decl = code.replace(/`[^`]*`/, '').trim().split(/\s+/);
  const skip = tagName === '-' && jsonTag === '-';
  if (decl.length === 1) return { name: '', type: decl[0] as string, tag: tagName || undefined, embedded: true, skip };
  return { name: decl[0] as string, type: decl.slice(1).join(' '), tag: tagName || undefined, embedded: false, skip };
}

export interface JsonKey {
  /** JSON pointer with "*" for map values and array items. */
  pointer: string;
  type: string;
  /** True when the key is a bare Go field name: encoding/json matches it ignoring case. */
  caseInsensitive: boolean;
}

function baseName(type: string): string {
  return type.replace(/^[*[\]]+/, '').replace(/^.*\./, '');
}

/**
 * Types with their own UnmarshalJSON, by base name, and the Go type whose JSON shape they read
 * ("" for a leaf value such as a string): the struct fields alone would tell the wrong keys.
 */
export type CustomJson = Readonly<Record<string, string>>;

/** Every key reachable from struct `root`, depth-first, following embedded structs, maps and slices. */
export function jsonKeys(structs: GoStructs, root: string, custom: CustomJson = {}, prefix = '', seen: readonly string[] = []): JsonKey[] {
  const fields = structs.get(root);
  if (!fields || seen.includes(root)) return [];
  const out: JsonKey[] = [];
  for (const f of fields) {
    if (f.skip) continue;
    if (f.embedded && f.tag === undefined) {
      out.push(...jsonKeys(structs, baseName(f.type), custom, prefix, [...seen, root]));
      continue;
    }
    const key = f.tag ?? (f.embedded ? baseName(f.type) : f.name);
    const pointer = `${prefix}/${key}`;
    out.push({ pointer, type: f.type, caseInsensitive: f.tag === undefined });
    out.push(...nested(structs, custom, f.type, pointer, [...seen, root]));
  }
  return out;
}

function nested(structs: GoStructs, custom: CustomJson, type: string, pointer: string, seen: readonly string[]): JsonKey[] {
  const t = type.replace(/^\*/, '');
  if (t.startsWith('[]')) return nested(structs, custom, t.slice(2), `${pointer}/*`, seen);
  const map = /^map\[[^\]]+\](.*)$/.exec(t);
  if (map) return nested(structs, custom, map[1] as string, `${pointer}/*`, seen);
  const replaced = custom[baseName(t)];
  if (replaced !== undefined) return replaced === '' ? [] : nested(structs, custom, replaced, pointer, seen);
  return jsonKeys(structs, baseName(t), custom, pointer, seen);
}
