/**
 * validateDaemonConfig(bytes or text, options) → every finding at once, sorted by position. Pure: no
 * file system, no clock; the CLI reads files and renders. The order of the checks follows dockerd's
 * own reading of the file: bytes → text → JSON → keys and types → semantic rules.
 */
import { decodeConfigBytes } from './decode.ts';
import { sortFindings, type Finding, type ValidateOptions } from './finding.ts';
import { parseDocument, type ParsedDocument, type RawFinding } from './parse.ts';
import { lineIndex, pointerTokens } from './positions.ts';
import { runRules } from './rules.ts';
import { schemaFindings } from './schema-findings.ts';
import { toValue, isObject } from './value.ts';
import { canonicalize, originalPointer } from './canonical.ts';

export type { Finding, ValidateOptions } from './finding.ts';
export { isInvalid } from './finding.ts';

/** A daemon.json is a few KiB; refusing huge input keeps memory and time bounded (a 50 MB log is not a config). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
export const DEFAULT_DATA_ROOT = '/var/lib/docker';

export function validateDaemonConfig(input: string | Uint8Array, options: ValidateOptions): Finding[] {
  const file = options.file ?? 'daemon.json';
  const raw: RawFinding[] = [];
  let text: string;
  if (typeof input === 'string') {
    text = input.startsWith('\uFEFF') ? input.slice(1) : input;
    if (text !== input) raw.push(bomFinding('utf-8'));
  } else {
    if (input.length > MAX_CONFIG_BYTES) return [tooLarge(file, input.length)];
    const decoded = decodeConfigBytes(input);
    if (!decoded.ok) return [notUtf8(file, input, decoded.badByteOffset, decoded.validPrefix)];
    text = decoded.text;
    if (decoded.bom) raw.push(bomFinding(decoded.bom));
  }
  if (text.length > MAX_CONFIG_BYTES) return [tooLarge(file, text.length)];
  const doc = parseDocument(text);
  raw.push(...doc.findings);
  if (doc.root) raw.push(...checkValue(doc, text, options));
  const at = lineIndex(text);
  const findings = raw.map((f) => ({ file, ...at(f.offset), ...f }));
  return sortFindings(dropShadowedWarnings(findings));
}

function checkValue(doc: ParsedDocument, text: string, options: ValidateOptions): RawFinding[] {
  const { schema } = options;
  const canonical = canonicalize(toValue(doc.root as NonNullable<ParsedDocument['root']>), schema.root);
  const value = canonical.value;
  if (!isObject(value)) return [];
  const out = schemaFindings(schema, doc, canonical, text);
  for (const { dropped, kept } of canonical.caseDuplicates) {
    const name = (pointer: string) => JSON.stringify(pointerTokens(pointer).pop());
    out.push({ offset: doc.nodes.get(dropped)?.key?.offset ?? 0, pointer: dropped, keyword: 'duplicate-key', severity: 'error', message: `this key and ${name(kept)} set the same field (dockerd matches keys ignoring case), one silently over the other: keep one` });
  }
  const fileRoot = typeof value['data-root'] === 'string' && value['data-root'] !== '' ? value['data-root'] : undefined;
  for (const i of runRules({ config: value, line: schema.line, dataRoot: fileRoot ?? options.dataRoot ?? DEFAULT_DATA_ROOT })) {
    const pointer = originalPointer(i.pointer, canonical.renamed);
    const located = doc.nodes.get(pointer);
    const node = i.at === 'key' ? (located?.key ?? located?.value) : located?.value;
    out.push({ offset: node?.offset ?? 0, pointer, keyword: 'rule', rule: i.rule, severity: i.severity, message: i.message });
  }
  return out;
}

/** A warning about a pointer that also has an error says less than the error: keep the error only. */
function dropShadowedWarnings(findings: Finding[]): Finding[] {
  const errors = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.pointer));
  return findings.filter((f) => f.severity === 'error' || f.pointer === '' || !errors.has(f.pointer));
}

function bomFinding(bom: 'utf-8' | 'utf-16le' | 'utf-16be'): RawFinding {
  const message = bom === 'utf-8'
    ? 'the file starts with a UTF-8 byte order mark: dockerd skips it, but other tools may not; save it as UTF-8 without BOM'
    : `the file is ${bom.toUpperCase()} with a byte order mark: dockerd decodes it, but other tools may not; save it as UTF-8`;
  return { offset: 0, pointer: '', keyword: 'encoding', severity: 'warning', message };
}

function notUtf8(file: string, bytes: Uint8Array, badByte: number, validPrefix: string): Finding {
  const at = lineIndex(validPrefix)(validPrefix.length);
  const hex = (bytes[badByte] ?? 0).toString(16).padStart(2, '0');
  return { file, ...at, pointer: '', keyword: 'encoding', severity: 'error', message: `byte 0x${hex} at byte offset ${badByte} is not UTF-8: dockerd refuses the file; save it as UTF-8` };
}

function tooLarge(file: string, size: number): Finding {
  const mib = (size / 1024 / 1024).toFixed(1);
  return { file, line: 1, column: 1, offset: 0, pointer: '', keyword: 'too-large', severity: 'error', message: `the file is ${mib} MiB; a daemon.json is a few KiB (limit ${MAX_CONFIG_BYTES / 1024 / 1024} MiB): is this the right file?` };
}
