/** The DIR operand of the store verbs (one path to an existing directory, else a UsageError), and sizes as people read them. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';

export async function storeDirOperand(verb: string, positionals: readonly string[], cwd: string): Promise<string> {
  if (positionals.length !== 1) {
    throw new UsageError(`store ${verb}: give exactly one store directory (got ${positionals.length}); see npm run store -- ${verb} --help`);
  }
  const dir = resolve(cwd, positionals[0]!);
  const st = await stat(dir).catch((error: NodeJS.ErrnoException) => error.code ?? 'error');
  if (typeof st === 'string') {
    const why = st === 'ENOENT' ? 'does not exist' : st === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${st})`;
    throw new UsageError(`store ${verb}: ${dir} ${why}; give the path of a store (a dockerd data-root)`);
  }
  if (!st.isDirectory()) throw new UsageError(`store ${verb}: ${dir} is not a directory; give the path of a store (a dockerd data-root)`);
  return dir;
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}
