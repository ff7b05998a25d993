/**
 * Text to a positioned tree with jsonc-parser (Microsoft's scanner behind VS Code: it keeps offsets,
 * recovers after an error so every separate syntax error is reported at once, and tells comments apart).
 * Reports what the engine's Go decoder would refuse or silently resolve: syntax errors, comments,
 * duplicate keys (Go keeps the last one), nesting deeper than we can walk, a top level that is not an object.
 */
import { getLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Finding } from './finding.ts';
import { blankHashComments } from './hash-comments.ts';
import { escapePointerToken } from './positions.ts';
import { suggestKey } from './suggest.ts';

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

const COMMENT = 'comments are not JSON: dockerd refuses the file; remove the comment';

export function parseDocument(original: string): ParsedDocument {
  const nodes = new Map<string, Located>();
  const findings: RawFinding[] = [];
  if (original.trim() === '') {
    findings.push({ offset: 0, pointer: '', keyword: 'empty', severity: 'warning', message: 'the file is empty: dockerd starts with every default; write {} to say so' });
    return { root: undefined, nodes, findings };
  }
  const deep = findTooDeep(original);
  if (deep !== undefined) {
    findings.push({ offset: deep, pointer: '', keyword: 'too-deep', severity: 'error', message: `values are nested more than ${MAX_DEPTH} levels deep here; a daemon.json needs 4` });
    return { root: undefined, nodes, findings };
  }
  const { text, offsets: hashComments } = blankHashComments(original);
  for (const offset of hashComments) findings.push({ offset, pointer: '', keyword: 'comment', severity: 'error', message: COMMENT });
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  let syntax = 0;
  let lastLine = -2;
  let lastEnd = -1;
  let reportedEnd = 0;
  for (const e of errors) {
    const code = printParseErrorCode(e.error);
    // tcp://host:2375 unquoted: the scanner takes "//host:2375" for a comment; the URL is the mistake.
    if (code === 'InvalidCommentToken' && e.offset === lastEnd) continue;
    if (code === 'InvalidCommentToken') {
      findings.push({ offset: e.offset, pointer: '', keyword: 'comment', severity: 'error', message: COMMENT });
      continue;
    }
    // After a syntax error the parser resynchronises, and its next complaints are echoes of the first
    // ("{debug: true}" gives three): one right after the last one's token, or later on its line
    // with no comma between (the same member or item), is dropped.
    const line = text.lastIndexOf('\n', e.offset - 1);
    const sameMember = line === lastLine && !withoutStrings(text.slice(reportedEnd, e.offset)).includes(',');
    const echo = sameMember || (previousSignificant(text, e.offset) ?? -1) < lastEnd;
    lastEnd = e.offset + Math.max(e.length, 1);
    if (echo) continue;
    lastLine = line;
    reportedEnd = lastEnd;
    if (syntax++ < MAX_SYNTAX_FINDINGS) findings.push({ keyword: 'syntax', pointer: '', severity: 'error', ...describeSyntaxError(code, text, e) });
  }
  if (syntax > MAX_SYNTAX_FINDINGS) {
    const last = findings[findings.length - 1] as RawFinding;
    last.message += ` (and ${syntax - MAX_SYNTAX_FINDINGS} more syntax errors after this one)`;
  }
  if (!root) return { root, nodes, findings };
  if (root.type === 'null') {
    findings.push({ offset: root.offset, pointer: '', keyword: 'null', severity: 'warning', message: 'the file holds only null: dockerd reads it as no settings and starts with every default; write {} to say so' });
    return { root: undefined, nodes, findings };
  }
  if (root.type !== 'object') {
    const what = `${root.type === 'array' ? 'an' : 'a'} ${root.type}`;
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

/** What to fix, for the mistakes people make in hand-written JSON, at the offset that shows it. */
function describeSyntaxError(code: string, text: string, e: ParseError): { offset: number; message: string } {
  const token = text.slice(e.offset, e.offset + e.length);
  const near = text.slice(e.offset, e.offset + Math.min(e.length, 20));
  const at = near ? ` at ${shown(token, near)}` : ' at the end of the file';
  const here = (message: string) => ({ offset: e.offset, message });
  const before = previousSignificant(text, e.offset);
  // A comma, then the closer of the same kind: an object expected a key, an array a value.
  if (before !== undefined && text[before] === ',' && ((code === 'PropertyNameExpected' && near[0] === '}') || (code === 'ValueExpected' && near[0] === ']'))) {
    return { offset: before, message: `a trailing comma before "${near[0]}" is not JSON: remove it` };
  }
  switch (code) {
    case 'InvalidSymbol': return here(describeInvalidSymbol(token, text.slice(e.offset + e.length), getLocation(text, e.offset).isAtPropertyKey) ?? `this is not JSON${at}`);
    case 'ValueExpected': return here(`a value was expected${at}`);
    case 'ColonExpected': return here(`":" was expected after the key${at}`);
    // Shown where the comma goes, right after the value before; usually the end of the line above.
    case 'CommaExpected': return { offset: (before ?? e.offset - 1) + 1, message: `a comma is missing here, before ${shown(token, near)}: add ","` };
    case 'CloseBraceExpected': return here(`"}" was expected${at}: an object is not closed`);
    case 'CloseBracketExpected': return here(`"]" was expected${at}: an array is not closed`);
    case 'PropertyNameExpected': return here(`a key in double quotes was expected${at}`);
    case 'EndOfFileExpected': return here(`the file should end after the top-level object, but it continues${at}`);
    case 'InvalidNumberFormat': return here(`invalid number${at}`);
    case 'UnexpectedEndOfString': return here('a string is not closed before the end of the line or file');
    case 'UnexpectedEndOfComment': return here('a comment is not closed');
    case 'UnexpectedEndOfNumber': return here(`a number ends too early${at}`);
    case 'InvalidUnicode': return here(`invalid \\u escape${at}`);
    case 'InvalidEscapeCharacter': return here(`invalid escape in a string${at}`);
    case 'InvalidCharacter': return here(`a control character must be escaped inside a string${at}`);
    default: return here(`${code}${at}`);
  }
}

/** A short string token as written (its quotes are the user's own); anything else in quotes. */
function shown(token: string, near: string): string {
  return token.length <= 40 && /^"[^"\\\n]*"$/.test(token) ? token : JSON.stringify(near);
}

const JSON_LITERALS = ['true', 'false', 'null'];

/** The habits of JavaScript, Python and YAML that JSON does not share. */
function describeInvalidSymbol(token: string, rest: string, isKey: boolean): string | undefined {
  if (/^'.*'$/s.test(token)) return `single quotes are not JSON: write ${JSON.stringify(token.slice(1, -1))}`;
  if (!/^[A-Za-z_$][\w$.-]*$/.test(token)) return undefined;
  const url = /^:\/\/[^\s,\]}"]*/.exec(rest);
  if (url) return `a URL is a string in JSON: write ${JSON.stringify(token + url[0])}`;
  if (isKey) return `the key ${token} needs double quotes: write ${JSON.stringify(token)}`;
  const lower = token.toLowerCase();
  if (lower === 'none' || lower === 'nil') return `${token} is not JSON: write null`;
  if (['nan', 'infinity'].includes(lower)) return `${token} is not a JSON number: write a number, or a string in double quotes`;
  if (lower === 'undefined') return 'undefined is not JSON: remove the key, or write null';
  if (JSON_LITERALS.includes(lower)) return `${token} is not JSON: write ${lower}`;
  if (['yes', 'no', 'on', 'off'].includes(lower)) return `${token} is not JSON: write true or false`;
  const literal = suggestKey(token, JSON_LITERALS);
  return literal ? `${token} is not JSON: did you mean ${literal}?` : `${token} is not JSON: a string needs double quotes, ${JSON.stringify(token)}`;
}

function previousSignificant(text: string, offset: number): number | undefined {
  for (let i = offset - 1; i >= 0; i--) if (!/\s/.test(text[i] as string)) return i;
  return undefined;
}

/** Text with its string literals emptied, so their commas and colons do not count. */
function withoutStrings(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
}
