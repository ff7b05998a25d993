/**
 * "#" comments, from shell and YAML habit. JSON has none, and jsonc-parser reads what follows "#" as
 * tokens (so a comment with a colon in it becomes a phantom key). They are found here and blanked out
 * with spaces before parsing, which keeps every offset, so they are reported once, like "//" comments.
 */

export interface HashComments {
  /** The text with each "#" comment replaced by spaces up to the end of its line. */
  text: string;
  /** Offset of each "#" that starts a comment. */
  offsets: number[];
}

export function blankHashComments(text: string): HashComments {
  const offsets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") i = stringEnd(text, i, c);
    else if (c === '/' && text[i + 1] === '/') i = lineEnd(text, i) - 1;
    else if (c === '/' && text[i + 1] === '*') i = text.includes('*/', i + 2) ? text.indexOf('*/', i + 2) + 1 : text.length;
    else if (c === '#') {
      offsets.push(i);
      i = lineEnd(text, i) - 1;
    }
  }
  if (offsets.length === 0) return { text, offsets };
  let out = '';
  let from = 0;
  for (const start of offsets) {
    const end = lineEnd(text, start);
    out += text.slice(from, start) + ' '.repeat(end - start);
    from = end;
  }
  return { text: out + text.slice(from), offsets };
}

/** Where a line ends: its "\n" or "\r", or the end of the text. */
function lineEnd(text: string, from: number): number {
  const m = /[\r\n]/.exec(text.slice(from));
  return m ? from + m.index : text.length;
}

/** The closing quote of a string opened at `open` (a string does not run past its line, as the scanner reads it). */
function stringEnd(text: string, open: number, quote: string): number {
  let i = open + 1;
  for (; i < text.length && text[i] !== quote && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
  return i;
}
