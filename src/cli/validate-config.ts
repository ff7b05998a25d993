/**
 * validate-config FILE... | -  [--engine v28|v29] [--json] [--data-root PATH]
 * Reads each file (the I/O edge), validates it with src/config, prints one line per finding
 * `FILE:LINE:COL  /json/pointer  severity: message` (the whole document, pointer "", is shown as "-"),
 * or one JSON document with --json. Exit 0 all valid, 1 any invalid, 2 usage, an unreadable file or a
 * validator that cannot run.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { defineCommand, type CommandContext } from './command.ts';
import { oneLine } from './one-line.ts';
import { MAX_CONFIG_BYTES, isInvalid, validateDaemonConfig, type Finding } from '../config/validate.ts';
import { ENGINE_LINES, NEWEST_LINE, isEngineLine } from '../config/engine-line.ts';
import { loadDaemonSchema } from '../config/schema.ts';

type FileResult = { file: string; findings: Finding[] } | { file: string; unreadable: string };

const SPEC = {
  invocation: 'validate-config',
  name: 'validate-config',
  synopsis: '[--engine v28|v29] [--json] [--data-root PATH] FILE... | -',
  summary: [
    'Checks a daemon.json against every key dockerd reads on Linux (v29 unless --engine v28), plus extra-storage, and reports',
    'every mistake at once, one line each: FILE:LINE:COL  /json/pointer  error|warning: message.',
    'Exit 0 when every file is valid, 1 when any is invalid, 2 for a usage mistake, an unreadable file or',
    "a validator that cannot run (a missing file of its own, an internal error).",
    'From a checkout: npm run validate-config -- FILE.',
  ].join('\n'),
  options: {
    engine: { type: 'string', value: 'v28|v29', help: `the engine line the file is for: its keys and rules (default ${NEWEST_LINE}, the newest)` },
    json: { type: 'boolean', help: 'one JSON document: {valid, files:[{file, valid, findings}]}' },
    'data-root': { type: 'string', value: 'PATH', help: 'data-root for the extra-storage rules if the file sets none' },
  },
  operands: true,
  example: 'validate-config /etc/docker/daemon.json     (- reads stdin)',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values, positionals }) => {
  if (positionals.length === 0) throw new UsageError('validate-config: give one or more daemon.json files, or - for stdin (e.g. validate-config /etc/docker/daemon.json)');
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('validate-config: stdin ("-") can be read only once');
  const line = values.engine ?? NEWEST_LINE;
  if (!isEngineLine(line)) throw new UsageError(`--engine must be one of ${ENGINE_LINES.join(', ')} (got "${line}"); it is the major version dockerd --version prints`);
  const dataRoot = values['data-root'];
  if (dataRoot !== undefined && !dataRoot.startsWith('/')) throw new UsageError(`--data-root must be an absolute path (got "${dataRoot}")`);
  // Only the asked-for line's schema and validator are loaded.
  const schema = await loadDaemonSchema(line);
  const results: FileResult[] = [];
  for (const file of positionals) {
    const bytes = file === '-' ? await readStdin(ctx.stdin) : readConfigFile(resolve(ctx.cwd, file));
    if (typeof bytes === 'string') results.push({ file, unreadable: bytes });
    else results.push({ file, findings: validateDaemonConfig(bytes, { schema, file, ...(dataRoot ? { dataRoot } : {}) }) });
  }
  if (values.json) ctx.stdout.write(JSON.stringify(toJson(results), null, 2) + '\n');
  else renderText(results, ctx);
  return exitCode(results);
});

/** The bytes, or why they cannot be read, as one line. Huge files are refused before reading them. */
function readConfigFile(path: string): Uint8Array | string {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'is a directory; give the path of a daemon.json file';
    if (st.size > MAX_CONFIG_BYTES) return `is ${(st.size / 1024 / 1024).toFixed(1)} MiB; a daemon.json is a few KiB (limit ${MAX_CONFIG_BYTES / 1024 / 1024} MiB): is this the right file?`;
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file; check the path';
    if (code === 'EACCES') return 'permission denied; run as a user who can read it';
    return `cannot be read (${code ?? String(error)})`;
  }
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<Uint8Array | string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_CONFIG_BYTES) return `stdin is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a daemon.json is a few KiB`;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function formatFinding(f: Finding): string {
  const line = `${f.file}:${f.line}:${f.column}  ${f.pointer === '' ? '-' : f.pointer}  ${f.severity}: ${f.message}`;
  // Keys may hold control characters (a "\n" escape): keep one finding on one line.
  return oneLine(line);
}

function renderText(results: FileResult[], ctx: CommandContext): void {
  let errors = 0;
  let warnings = 0;
  let invalid = 0;
  for (const r of results) {
    if ('unreadable' in r) {
      ctx.stderr.write(`error: ${r.file}: ${r.unreadable}\n`);
      continue;
    }
    for (const f of r.findings) {
      ctx.stdout.write(formatFinding(f) + '\n');
      if (f.severity === 'error') errors++;
      else warnings++;
    }
    if (isInvalid(r.findings)) invalid++;
  }
  const unreadable = results.filter((r) => 'unreadable' in r).length;
  const checked = results.length - unreadable;
  const verdict = invalid === 0 && unreadable === 0 ? 'valid' : `${invalid} invalid${unreadable ? `, ${unreadable} unreadable` : ''}`;
  ctx.stderr.write(`${checked} file${checked === 1 ? '' : 's'} checked: ${verdict} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})\n`);
}

function toJson(results: FileResult[]) {
  const files = results.map((r) =>
    'unreadable' in r ? { file: r.file, valid: false, error: r.unreadable, findings: [] } : { file: r.file, valid: !isInvalid(r.findings), findings: r.findings },
  );
  return { valid: files.every((f) => f.valid), files };
}

function exitCode(results: FileResult[]): ExitCode {
  if (results.some((r) => 'unreadable' in r)) return 2;
  return results.some((r) => 'findings' in r && isInvalid(r.findings)) ? 1 : 0;
}
