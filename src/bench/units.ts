/** How the benchmark writes sizes, bytes, milliseconds and ratios, the same in the table and the README. */

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** 67108864 → "64 MiB", 1073741824 → "1 GiB". */
export function sizeLabel(bytes: number): string {
  if (bytes >= GIB && bytes % GIB === 0) return `${bytes / GIB} GiB`;
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  return formatBytes(bytes);
}

/** Binary units with three significant digits: "129 KiB", "1.02 GiB", "0 B". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${units[unit]}`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 100 ? `${Math.round(ms).toLocaleString('en-US')}` : ms.toFixed(1).replace(/\.0$/, '');
}

/** 78.04 → "78×", 1.104 → "1.10×". */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  return ratio >= 10 ? `${Math.round(ratio)}×` : `${ratio.toFixed(2)}×`;
}

/** "Docker version 28.2.2, build e6534b4" → "28.2.2"; the text itself when it names no version. */
export function versionIn(line: string): string {
  return /\b(\d+\.\d+\.\d+[^\s,]*)/.exec(line)?.[1] ?? line;
}
