/** The positioned tree as a plain value for ajv and the rules; objects have no prototype, so "__proto__" is an ordinary key. */
import type { Node } from 'jsonc-parser';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function toValue(node: Node): JsonValue {
  switch (node.type) {
    case 'object': {
      const out = Object.create(null) as { [key: string]: JsonValue };
      for (const member of node.children ?? []) {
        const [key, value] = member.children ?? [];
        if (key && value) out[String(key.value)] = toValue(value); // the last duplicate wins, as in Go
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(toValue);
    case 'string':
    case 'number':
    case 'boolean':
      return node.value as JsonValue;
    case 'null':
      return null;
    default:
      return null;
  }
}

export function isObject(v: unknown): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return `a ${typeof v}`;
}
