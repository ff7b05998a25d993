/**
 * A key the schema does not declare, as one finding that says what dockerd does with it: refuses it,
 * accepts it and ignores it, or (inside a runtime) silently drops it; with the key probably meant.
 */
import type { RawFinding } from './parse.ts';
import { escapePointerToken } from './positions.ts';
import { schemaAt, type DaemonSchema } from './schema.ts';
import { suggestKey } from './suggest.ts';
import { CONFLICTING_FLAG_NAMES, FLAG_ONLY, IGNORED_FLAG_NAMES, removedKey, RUNTIME_MEMBER_ALIASES } from './engine-keys.ts';
import type { JsonValue } from './value.ts';

export interface UnknownKey {
  /** The parent's pointer as written in the file. */
  parentPointer: string;
  /** The same in the schema's spelling of Go's case-insensitive keys, to look its properties up. */
  canonicalParent: string;
  key: string;
  value: JsonValue | undefined;
  offset: number;
}

export function unknownKeyFinding(schema: DaemonSchema, { parentPointer, canonicalParent, key, value, offset }: UnknownKey): RawFinding {
  const pointer = `${parentPointer}/${escapePointerToken(key)}`;
  const parent = schemaAt(schema.root, canonicalParent);
  const known = Object.keys(parent?.properties ?? {});
  const where = parentPointer === '' ? '' : ` in ${parentPointer}`;
  const found = (message: string, severity: 'error' | 'warning' = 'error', suggestion?: string): RawFinding => ({
    offset, pointer, keyword: 'unknown-key', severity, message: `unknown key "${key}"${where}${message}`, ...(suggestion ? { suggestion } : {}),
  });
  if (parentPointer === '' && CONFLICTING_FLAG_NAMES.includes(key)) {
    return { offset, pointer, keyword: 'unknown-key', severity: 'error', message: `"${key}" is a dockerd command-line option, not a daemon.json key; remove it` };
  }
  const removed = parentPointer === '' ? removedKey(key, schema.line) : undefined;
  if (removed) {
    return { offset, pointer, keyword: 'removed', severity: 'error', message: `"${key}" was removed in ${removed.removedIn} and dockerd refuses it: ${removed.instead}`, ...(removed.key ? { suggestion: removed.key } : {}) };
  }
  const refusedName = parentPointer === '' && Object.hasOwn(FLAG_ONLY, key) ? FLAG_ONLY[key] : undefined;
  if (refusedName) {
    return found(`: this setting cannot be set from daemon.json (dockerd ignores the flag name here and refuses "${refusedName}"); pass --${key} to dockerd, e.g. in a systemd drop-in`);
  }
  if (parent === schema.root.$defs.runtime) return runtimeMember(key, value, known, found);
  const target = parentPointer === '' ? IGNORED_FLAG_NAMES[key] : undefined;
  const suggestion = target || suggestKey(key, known);
  const meant = suggestion ? `; did you mean "${suggestion}"?` : '';
  if (target === 'proxies') return found(`: dockerd accepts it here but ignores it; move it into "proxies": { "${key}": ... }`, 'error', suggestion);
  if (target !== undefined) return found(`: dockerd accepts the flag name but ignores it in the file${meant}`, 'error', suggestion);
  return found(meant, 'error', suggestion);
}

/**
 * dockerd decodes a runtime into a struct and drops members it does not know, and NVIDIA's own set-up
 * tool writes "args": [] into its runtime: a warning that names the member meant, not an error.
 */
function runtimeMember(key: string, value: JsonValue | undefined, known: string[], found: (m: string, s: 'warning', suggestion?: string) => RawFinding): RawFinding {
  const meant = RUNTIME_MEMBER_ALIASES[key.toLowerCase()] ?? suggestKey(key, known);
  if (!meant) return found(': dockerd ignores it; remove it', 'warning');
  if (meant === 'runtimeArgs' && Array.isArray(value) && value.length > 0) {
    return found(': dockerd ignores it, so these arguments are not passed to the runtime; move them to "runtimeArgs"', 'warning', meant);
  }
  return found(`: dockerd ignores it; did you mean "${meant}"?`, 'warning', meant);
}
