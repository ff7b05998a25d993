/**
 * ajv's verdict and the schema's annotations as findings: unknown keys with a did-you-mean, keys the
 * engine rejects or ignores, deprecated keys, nulls (Go skips them), integers written as 1.0 or 1e3
 * (Go's decoder refuses them for int fields while JSON Schema calls them integers).
 */
import type { SchemaError } from './schema-validator-types.ts';
import type { ParsedDocument, RawFinding } from './parse.ts';
import type { Node } from 'jsonc-parser';
import { allowsType, childSchema, resolveRef, type DaemonSchema, type RootSchema, type SchemaNode } from './schema.ts';
import { NULL_REFUSED } from './engine-keys.ts';
import { unknownKeyFinding } from './unknown-key.ts';
import { escapePointerToken, pointerTokens } from './positions.ts';
import { typeName, type JsonValue } from './value.ts';
import { originalPointer, type Canonical } from './canonical.ts';

export function schemaFindings(schema: DaemonSchema, doc: ParsedDocument, canonical: Canonical, text: string): RawFinding[] {
  const out: RawFinding[] = [];
  const { validate } = schema;
  if (!validate(canonical.value)) {
    for (const error of validate.errors ?? []) {
      const finding = fromAjvError(schema, error, doc, canonical);
      if (finding) out.push(finding);
    }
  }
  out.push(...keyCaseFindings(doc, canonical.renamed));
  if (doc.root) walkFindings(schema.root, doc.root, schema.root, '', text, out);
  return out;
}

function valueAt(root: JsonValue, pointer: string): JsonValue | undefined {
  let v: JsonValue | undefined = root;
  for (const t of pointerTokens(pointer)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Array.isArray(v) ? v[Number(t)] : v[t];
  }
  return v;
}

function offsetOf(doc: ParsedDocument, pointer: string, at: 'key' | 'value'): number {
  const located = doc.nodes.get(pointer);
  if (!located) return doc.root?.offset ?? 0;
  return (at === 'key' ? located.key ?? located.value : located.value).offset;
}

function fromAjvError(schema: DaemonSchema, error: SchemaError, doc: ParsedDocument, canonical: Canonical): RawFinding | undefined {
  const pointer = originalPointer(error.instancePath, canonical.renamed);
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    const child = `${pointer}/${escapePointerToken(key)}`;
    return unknownKeyFinding(schema, { parentPointer: pointer, canonicalParent: error.instancePath, key, value: valueAt(canonical.value, `${error.instancePath}/${escapePointerToken(key)}`), offset: offsetOf(doc, child, 'key') });
  }
  const actual = valueAt(canonical.value, error.instancePath);
  const offset = offsetOf(doc, pointer, 'value');
  if (actual === null && error.keyword === 'type' && NULL_REFUSED.includes(error.instancePath)) {
    return { offset, pointer, keyword: 'type', severity: 'error', message: 'null: dockerd refuses it for this key (its size parser needs a string); remove the key or give a value' };
  }
  if (actual === null && error.keyword === 'type') {
    return { offset, pointer, keyword: 'null', severity: 'warning', message: 'null: dockerd skips this key and keeps its default; remove it or give a value' };
  }
  switch (error.keyword) {
    case 'type': {
      const expected = [error.params.type].flat().join(' or ');
      return { offset, pointer, keyword: 'type', severity: 'error', message: `must be ${article(expected)}, found ${typeName(actual)}` };
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).filter((v) => v !== '').map((v) => JSON.stringify(v));
      return { offset, pointer, keyword: 'enum', severity: 'error', message: `${JSON.stringify(actual)} is not allowed; use one of ${allowed.join(', ')}` };
    }
    default:
      return { offset, pointer, keyword: error.keyword, severity: 'error', message: error.message ?? `fails the schema's ${error.keyword}` };
  }
}

function article(type: string): string {
  return /^(array|object|integer)/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Keys spelled with other case than the schema's: Go accepts them; say what the documented spelling is. */
function keyCaseFindings(doc: ParsedDocument, renamed: ReadonlyMap<string, string>): RawFinding[] {
  const out: RawFinding[] = [];
  for (const [canon, orig] of renamed) {
    const spelled = pointerTokens(canon).pop() as string;
    const written = pointerTokens(orig).pop() as string;
    if (spelled === written) continue;
    const finding: RawFinding = { offset: offsetOf(doc, orig, 'key'), pointer: orig, keyword: 'key-case', severity: 'warning', message: `dockerd matches "${written}" ignoring case, but the documented spelling is "${spelled}"` };
    finding.suggestion = spelled;
    out.push(finding);
  }
  return out;
}

/**
 * One walk of the tree beside the schema: deprecated, x-engine-rejects and x-engine-ignores are
 * properties of a declared key; integers written as 1.0 or 1e3 are refused by Go for integer keys.
 */
const INT64_MAX = 2n ** 63n - 1n;

function walkFindings(root: RootSchema, node: Node, schema: SchemaNode | undefined, pointer: string, text: string, out: RawFinding[]): void {
  if (node.type === 'number') {
    const raw = text.slice(node.offset, node.offset + node.length);
    if (!allowsType(schema, 'integer') || allowsType(schema, 'number') || !Number.isInteger(node.value)) return;
    // Go's int is 64 bits here, and a JSON double cannot tell 2^63 from 2^63-1: read the literal itself.
    const exact = /^-?\d+$/.test(raw) ? BigInt(raw) : BigInt(node.value as number);
    if (exact > INT64_MAX || exact < -INT64_MAX - 1n) {
      out.push({ offset: node.offset, pointer, keyword: 'integer-range', severity: 'error', message: `${raw} does not fit the 64-bit integer dockerd reads here` });
    } else if (/[.eE]/.test(raw)) {
      out.push({ offset: node.offset, pointer, keyword: 'integer-literal', severity: 'error', message: `dockerd reads this as an integer and refuses ${raw}; write ${String(node.value)}` });
    }
    return;
  }
  if (node.type === 'array') {
    (node.children ?? []).forEach((item, i) => walkFindings(root, item, childSchema(root, schema, String(i)), `${pointer}/${i}`, text, out));
    return;
  }
  if (node.type !== 'object') return;
  for (const member of node.children ?? []) {
    const [key, value] = member.children ?? [];
    if (!key || !value) continue;
    const name = String(key.value);
    const child = `${pointer}/${escapePointerToken(name)}`;
    const sub = childSchema(root, schema, name);
    if (sub && isDeclared(root, schema, name)) annotate(sub, name, key.offset, child, out);
    walkFindings(root, value, sub, child, text, out);
  }
}

function annotate(schema: SchemaNode, key: string, offset: number, pointer: string, out: RawFinding[]): void {
  if (schema['x-engine-rejects']) {
    out.push({ offset, pointer, keyword: 'engine-rejects', severity: 'error', message: `"${key}": ${schema['x-engine-rejects']}` });
  } else if (schema['x-engine-ignores']) {
    out.push({ offset, pointer, keyword: 'engine-ignores', severity: 'warning', message: `"${key}" is obsolete: dockerd ignores it; remove it` });
  } else if (schema.deprecated) {
    out.push({ offset, pointer, keyword: 'deprecated', severity: 'warning', message: `"${key}" is deprecated: ${schema.description ?? 'see the engine documentation'}` });
  }
}

/** True when `key` is a named property of the parent (not a member of a free-form map). */
function isDeclared(root: RootSchema, parent: SchemaNode | undefined, key: string): boolean {
  const node = resolveRef(root, parent);
  if (!node?.properties) return false;
  if (key in node.properties) return true;
  return node['x-go-case-insensitive'] === true && Object.keys(node.properties).some((k) => k.toLowerCase() === key.toLowerCase());
}
