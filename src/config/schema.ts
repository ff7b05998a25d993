/**
 * The daemon.json schema of an engine line (schemas/daemon.<line>.schema.json) with its generated
 * validator, and a small walker from a JSON pointer of the instance to the subschema that governs it,
 * for the checks ajv cannot make: deprecated keys, keys the engine rejects or ignores, Go's integer
 * literals, case-insensitive Go structs, did-you-mean candidates. A line is loaded on request, so a
 * run pays for the one line it checks against.
 */
import { assertNever } from '../errors.ts';
import type { EngineLine } from './engine-line.ts';
import type { SchemaValidateFunction } from './schema-validator-types.ts';
import { pointerTokens } from './positions.ts';

export interface SchemaNode {
  type?: string | string[];
  description?: string;
  deprecated?: boolean;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  $ref?: string;
  enum?: unknown[];
  'x-engine-rejects'?: string;
  'x-engine-ignores'?: boolean;
  'x-go-case-insensitive'?: boolean;
}

/** A whole schema file: the root node and the definitions its $refs name. */
export type RootSchema = SchemaNode & { $defs: Record<string, SchemaNode> };

/** One engine line's schema and the standalone validator generated from it. */
export interface DaemonSchema {
  line: EngineLine;
  root: RootSchema;
  validate: SchemaValidateFunction;
}

export async function loadDaemonSchema(line: EngineLine): Promise<DaemonSchema> {
  switch (line) {
    case 'v28': return (await import('./schema-v28.ts')).daemonSchema;
    case 'v29': return (await import('./schema-v29.ts')).daemonSchema;
    default: return assertNever(line);
  }
}

export function resolveRef(root: RootSchema, node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const name = current.$ref.replace(/^#\/\$defs\//, '');
    current = root.$defs[name];
  }
  return current;
}

/** The subschema for a child of `parent` named `token`, or undefined when the schema has none. */
export function childSchema(root: RootSchema, parent: SchemaNode | undefined, token: string): SchemaNode | undefined {
  const node = resolveRef(root, parent);
  if (!node) return undefined;
  if (node.properties) {
    const exact = node.properties[token];
    if (exact) return resolveRef(root, exact);
    if (node['x-go-case-insensitive']) {
      const key = Object.keys(node.properties).find((k) => k.toLowerCase() === token.toLowerCase());
      if (key) return resolveRef(root, node.properties[key]);
    }
  }
  if (typeof node.additionalProperties === 'object') return resolveRef(root, node.additionalProperties);
  if (node.items && /^\d+$/.test(token)) return resolveRef(root, node.items);
  return undefined;
}

export function schemaAt(root: RootSchema, pointer: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const token of pointerTokens(pointer)) {
    node = childSchema(root, node, token);
    if (!node) return undefined;
  }
  return resolveRef(root, node);
}

export function allowsType(node: SchemaNode | undefined, type: string): boolean {
  const t = node?.type;
  return t === type || (Array.isArray(t) && t.includes(type));
}
