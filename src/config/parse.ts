/**
 * Text to a positioned tree with jsonc-parser (Microsoft's scanner behind VS Code: it keeps offsets,
 * recovers after an error so every syntax error is reported at once, and tells comments apart).
 * Reports what the engine's Go decoder would refuse or silently resolve: syntax errors, comments,
 * duplicate keys (Go keeps the last one), nesting deeper than we can walk, a top level that is not an object.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Finding } from './finding.ts';
import { escapePointerToken } from './positions.ts';

/** Where a value sits: its node, and the key node when it is an object member. */
export interface Located {
  value: Node;
  key?: Node;
}

export type RawFinding = Omit<Finding, 'file' | 'line' | 'column'>;

export interface ParsedDocument {
  root: Node | undefined;
  /** Pointer → node; for duplicate keys, the last member (the one Go keeps). */
  nodes: Map<string, Located>;
  findings: RawFinding[];
}

/** Far below the engine's own limit (10000) but deep enough for any real daemon.json; keeps the stack safe. */
export const MAX_DEPTH = 1000;
const MAX_SYNTAX_FINDINGS = 20;

export function parseDocument(text: string): ParsedDocument {
  const nodes = new Map<string, Located>();
  const findings: RawFinding[] = [];
  if (text.trim() === '') {
    findings.push({ offset: 0, pointer: '', keyword: 'empty', severity: 'warning', message: 'the file is empty: dockerd starts with every default; write {} to say so' });
    return { root: undefined, nodes, findings };
  }
  const deep = findTooDeep(text);
  if (deep !== undefined) {
    findings.push({ offset: deep, pointer: '', keyword: 'too-deep', severity: 'error', message: `values are nested more than ${MAX_DEPTH} levels deep here; a daemon.json needs 4` });
    return { root: undefined, nodes, findings };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  let syntax = 0;
  for (const e of errors) {
    const code = printParseErrorCode(e.error);
    if (code === 'InvalidCommentToken') {
      findings.push({ offset: e.offset, pointer: '', keyword: 'comment', severity: 'error', message: 'comments are not JSON: dockerd refuses the file; remove the comment' });
    } else if (syntax++ < MAX_SYNTAX_FINDINGS) {
      findings.push({ offset: e.offset, pointer: '', keyword: 'syntax', severity: 'error', message: `${describeSyntaxError(code, text.slice(e.offset, e.offset + Math.min(e.length, 20)))}` });
    }
  }
  if (syntax > MAX_SYNTAX_FINDINGS) {
    const last = findings[findings.length - 1] as RawFinding;
    last.message += ` (and ${syntax - MAX_SYNTAX_FINDINGS} more syntax errors after this one)`;
  }
  if (!root) return { root, nodes, findings };
  if (root.type !== 'object') {
    const what = root.type === 'null' ? 'null' : `${root.type === 'array' ? 'an' : 'a'} ${root.type}`;
    findings.push({ offset: root.offset, pointer: '', keyword: 'not-object', severity: 'error', message: `the top-level value is ${what}; daemon.json must be one object: { "key": value, ... }` });
    return { root: undefined, nodes, findings };
  }
  index(root, '', nodes, findings);
  return { root, nodes, findings };
}

function index(node: Node, pointer: string, nodes: Map<string, Located>, findings: RawFinding[]): void {
  if (node.type === 'object') {
    const seen = new Map<string, Node>();
    for (const member of node.children ?? []) {
      const [key, value] = member.children ?? [];
      if (!key || !value) continue; // a member the parser could not finish; its syntax error is reported
      const name = String(key.value);
      const child = `${pointer}/${escapePointerToken(name)}`;
      const earlier = seen.get(name);
      if (earlier) {
        findings.push({ offset: earlier.offset, pointer: child, keyword: 'duplicate-key', severity: 'error', message: `"${name}" appears again later in this object; dockerd silently keeps only the last value: remove one` });
      }
      seen.set(name, key);
      nodes.set(child, { key, value });
      index(value, child, nodes, findings);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((item, i) => {
      const child = `${pointer}/${i}`;
      nodes.set(child, { value: item });
      index(item, child, nodes, findings);
    });
  }
}

/** Offset where nesting first exceeds MAX_DEPTH, skipping strings; undefined when it never does. */
function findTooDeep(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return undefined;
}

function describeSyntaxError(code: string, near: string): string {
  const at = near ? ` at ${JSON.stringify(near)}` : ' at the end of the file';
  switch (code) {
    case 'ValueExpected': return `a value was expected${at}`;
    case 'ColonExpected': return `":" was expected after the key${at}`;
    case 'CommaExpected': return `"," was expected between members${at}`;
    case 'CloseBraceExpected': return `"}" was expected${at}: an object is not closed`;
    case 'CloseBracketExpected': return `"]" was expected${at}: an array is not closed`;
    case 'PropertyNameExpected': return `a key in double quotes was expected${at} (a trailing comma is not JSON)`;
    case 'EndOfFileExpected': return `the file should end after the top-level object, but it continues${at}`;
    case 'InvalidSymbol': return `this is not JSON${at}`;
    case 'InvalidNumberFormat': return `invalid number${at}`;
    case 'UnexpectedEndOfString': return 'a string is not closed before the end of the line or file';
    case 'UnexpectedEndOfComment': return 'a comment is not closed';
    case 'UnexpectedEndOfNumber': return `a number ends too early${at}`;
    case 'InvalidUnicode': return `invalid \\u escape${at}`;
    case 'InvalidEscapeCharacter': return `invalid escape in a string${at}`;
    case 'InvalidCharacter': return `a control character must be escaped inside a string${at}`;
    default: return `${code}${at}`;
  }
}
