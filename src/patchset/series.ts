/**
 * patches/<base>/series: the patch files in the order they apply, one per line. Blank lines and
 * `#` comments are allowed (as in quilt) so that a maintainer can say why a hook exists.
 */
import { MalformedPatchError } from './errors.ts';

export interface SeriesEntry {
  /** Patch file name inside patches/<base>/. */
  name: string;
  /** 1-based line in `series`. */
  line: number;
}

export function parseSeries(text: string, file: string): SeriesEntry[] {
  const entries: SeriesEntry[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const name = raw.replace(/#.*$/, '').trim();
    if (!name) return;
    if (name.includes('/') || /\s/.test(name) || !name.endsWith('.patch')) {
      throw new MalformedPatchError(file, i + 1, `"${name}" is not a patch file name (NNNN-name.patch, no folders)`);
    }
    if (seen.has(name)) throw new MalformedPatchError(file, i + 1, `${name} is listed twice`);
    seen.add(name);
    entries.push({ name, line: i + 1 });
  });
  return entries;
}

export function formatSeries(names: readonly string[]): string {
  return names.map((n) => n + '\n').join('');
}
