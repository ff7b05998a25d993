/**
 * One patch file → its hunks, with the 1-based line of every file header and hunk so that errors and
 * conflict reports can point into the patch. jsdiff does the parsing; a strict line scan runs first
 * because jsdiff is lenient where we must not be: it skips text it does not understand (a mangled
 * `@@` line is silently dropped) and parses a git binary patch as an empty patch.
 */
import { parsePatch } from 'diff';
import { MalformedPatchError, UnsupportedPatchError } from './errors.ts';

export interface Hunk {
  /** "@@ -1,3 +1,4 @@" (without the trailing function context). */
  header: string;
  /** 1-based line of the header in the patch file. */
  line: number;
  /** jsdiff semantics: 1-based; for an empty old side, the line the new text goes before. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Body lines with their ' ', '-', '+', '\' marker (an empty line is an empty context line). */
  lines: string[];
}

export interface FilePatch {
  /** moby path, without the a/ b/ prefix. */
  path: string;
  line: number;
  hunks: Hunk[];
}

export interface ParsedPatch {
  /** File name inside patches/<base>/, e.g. 0001-daemon-daemon.go.patch. */
  name: string;
  files: FilePatch[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(?: .*)?$/;
const OK_EXTENDED = /^(index [0-9a-f]+\.\.[0-9a-f]+( \d+)?|similarity index .*|dissimilarity index .*)$/;

type Refusal = [RegExp, UnsupportedPatchError['kind'], string];
const REFUSED: Refusal[] = [
  [/^GIT binary patch$|^Binary files .* differ$/, 'binary', 'binary files cannot be patched; put the whole file under full/'],
  [/^new file mode /, 'new-file', 'new files belong under full/<base>/, not in a patch'],
  [/^deleted file mode /, 'deleted-file', 'the patch set only modifies existing moby files'],
  [/^(rename|copy) (from|to) /, 'rename', 'the patch set only modifies existing moby files in place'],
  [/^(old|new) mode /, 'mode-change', 'file modes of moby files are kept as they are'],
];

/** Parse and check one patch file's text. Throws a typed error naming `name` and the 1-based line. */
export function parsePatchText(name: string, text: string): ParsedPatch {
  const files = scan(name, text);
  let parsed;
  try {
    parsed = parsePatch(text).filter((p) => p.hunks.length > 0);
  } catch (error) {
    const line = Number(/line (\d+)/.exec(String((error as Error).message))?.[1] ?? 1);
    throw new MalformedPatchError(name, line, `jsdiff: ${(error as Error).message}`);
  }
  const seen = parsed.flatMap((p) => p.hunks);
  const mine = files.flatMap((f) => f.hunks);
  if (parsed.length !== files.length || seen.length !== mine.length) {
    throw new MalformedPatchError(name, 1, `found ${mine.length} hunk(s) in ${files.length} file(s) but jsdiff parsed ${seen.length} in ${parsed.length}`);
  }
  mine.forEach((hunk, i) => {
    const other = seen[i]!;
    if (other.lines.length !== hunk.lines.length || other.lines.some((l, j) => l !== hunk.lines[j])) {
      throw new MalformedPatchError(name, hunk.line, 'hunk body is ambiguous (jsdiff read it differently)');
    }
    Object.assign(hunk, { oldStart: other.oldStart, oldLines: other.oldLines, newStart: other.newStart, newLines: other.newLines });
  });
  return { name, files };
}

/** The strict line scan: every line after the first file header must belong to a header or a hunk. */
function scan(name: string, text: string): FilePatch[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const fail = (i: number, problem: string): never => {
    throw new MalformedPatchError(name, i + 1, problem);
  };
  lines.forEach((line, i) => {
    for (const [pattern, kind, hint] of REFUSED) {
      if (pattern.test(line)) throw new UnsupportedPatchError(name, i + 1, kind, hint);
    }
  });
  const files: FilePatch[] = [];
  let i = lines.findIndex((l) => l.startsWith('diff --git ') || l.startsWith('--- ') || l.startsWith('@@'));
  if (i < 0) fail(0, 'no file header (--- a/PATH, +++ b/PATH) found');
  while (i < lines.length) {
    const line = lines[i]!;
    if (line === '') { i++; continue; }
    const start = i;
    if (line.startsWith('diff --git ')) {
      i++;
      while (i < lines.length && OK_EXTENDED.test(lines[i]!)) i++;
    }
    if (!lines[i]?.startsWith('--- ')) fail(i, `expected a "--- a/PATH" file header, found ${JSON.stringify(lines[i] ?? '(end of file)')}`);
    const oldPath = headerPath(lines[i]!, '--- ', 'a/') ?? fail(i, 'the "---" header must name a/PATH');
    i++;
    if (!lines[i]?.startsWith('+++ ')) fail(i, 'expected a "+++ b/PATH" header after "---"');
    const newPath = headerPath(lines[i]!, '+++ ', 'b/') ?? fail(i, 'the "+++" header must name b/PATH');
    if (oldPath !== newPath) fail(i, `"---" names ${oldPath} but "+++" names ${newPath}`);
    i++;
    const file: FilePatch = { path: oldPath, line: start + 1, hunks: [] };
    while (lines[i]?.startsWith('@@')) i = scanHunk(lines, i, file, fail);
    if (file.hunks.length === 0) fail(i, `no hunk for ${oldPath}`);
    while (lines[i] === '') i++;
    if (i < lines.length && !lines[i]!.startsWith('diff --git ') && !lines[i]!.startsWith('--- ')) {
      fail(i, `unexpected line ${JSON.stringify(lines[i])} (a hunk's line counts may be wrong)`);
    }
    files.push(file);
  }
  return files;
}

/** Reads one hunk starting at its header; returns the index of the first line after it. */
function scanHunk(lines: string[], at: number, file: FilePatch, fail: (i: number, p: string) => never): number {
  const header = lines[at]!;
  const m = HUNK_HEADER.exec(header) ?? fail(at, `bad hunk header ${JSON.stringify(header)}`);
  let oldLeft = m[2] === undefined ? 1 : Number(m[2]);
  let newLeft = m[4] === undefined ? 1 : Number(m[4]);
  const body: string[] = [];
  let i = at + 1;
  let oldEnded = false;
  let newEnded = false;
  let last = '';
  while (oldLeft > 0 || newLeft > 0 || lines[i]?.startsWith('\\')) {
    const line = lines[i];
    if (line === undefined) fail(at, `hunk ends early: ${oldLeft} old and ${newLeft} new line(s) missing`);
    const kind = line === '' ? ' ' : line[0];
    if (kind === '\\') {
      if (last === '' || last === '\\') fail(i, '"\\ No newline" must follow a hunk line');
      if (last !== '+') oldEnded = true;
      if (last !== '-') newEnded = true;
    } else if (kind === ' ' || kind === '-' || kind === '+') {
      if ((kind !== '+' && oldEnded) || (kind !== '-' && newEnded)) fail(i, 'a line follows "\\ No newline at end of file"');
      if (kind !== '+') oldLeft--;
      if (kind !== '-') newLeft--;
      if (oldLeft < 0 || newLeft < 0) fail(at, 'hunk has more lines than its header counts');
    } else {
      fail(i, `hunk ends early: ${oldLeft} old and ${newLeft} new line(s) missing before ${JSON.stringify(line)}`);
    }
    last = kind!;
    body.push(line);
    i++;
  }
  const hunk: Hunk = { header: header.replace(/^(@@ [^@]* @@).*$/, '$1'), line: at + 1, oldStart: 0, oldLines: 0, newStart: 0, newLines: 0, lines: body };
  file.hunks.push(hunk);
  return i;
}

/** "--- a/daemon/daemon.go\t(date)" → "daemon/daemon.go"; undefined when it is not a safe a/ b/ path. */
function headerPath(line: string, marker: string, prefix: string): string | undefined {
  const raw = line.slice(marker.length).split('\t')[0]!;
  if (!raw.startsWith(prefix)) return undefined;
  const path = raw.slice(prefix.length);
  const parts = path.split('/');
  if (!path || path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  return path;
}
