/**
 * The daemon.json schema (schemas/daemon.v28.schema.json) and a small walker from a JSON pointer of the
 * instance to the subschema that governs it, for the checks ajv cannot make: deprecated keys, keys the
 * engine rejects or ignores, Go's integer literals, case-insensitive Go structs, did-you-mean candidates.
 */
import schemaJson from '../../schemas/daemon.v28.schema.json' with { type: 'json' };
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

export const daemonSchema = schemaJson as unknown as SchemaNode & { $defs: Record<string, SchemaNode> };

export function resolveRef(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const name = current.$ref.replace(/^#\/\$defs\//, '');
    current = daemonSchema.$defs[name];
  }
  return current;
}

/** The subschema for a child of `parent` named `token`, or undefined when the schema has none. */
export function childSchema(parent: SchemaNode | undefined, token: string): SchemaNode | undefined {
  const node = resolveRef(parent);
  if (!node) return undefined;
  if (node.properties) {
    const exact = node.properties[token];
    if (exact) return resolveRef(exact);
    if (node['x-go-case-insensitive']) {
      const key = Object.keys(node.properties).find((k) => k.toLowerCase() === token.toLowerCase());
      if (key) return resolveRef(node.properties[key]);
    }
  }
  if (typeof node.additionalProperties === 'object') return resolveRef(node.additionalProperties);
  if (node.items && /^\d+$/.test(token)) return resolveRef(node.items);
  return undefined;
}

export function schemaAt(pointer: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = daemonSchema;
  for (const token of pointerTokens(pointer)) {
    node = childSchema(node, token);
    if (!node) return undefined;
  }
  return resolveRef(node);
}

export function allowsType(node: SchemaNode | undefined, type: string): boolean {
  const t = node?.type;
  return t === type || (Array.isArray(t) && t.includes(type));
}
