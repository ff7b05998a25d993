/** Did-you-mean for unknown keys: the closest known key by edit distance after normalising spelling. */

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}

/** Case, "_" vs "-" and spaces are the commonest slips: compare keys with those removed first. */
function normalise(key: string): string {
  return key.toLowerCase().replace(/[_\s.]/g, '-');
}

export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const n = normalise(unknown);
  const same = known.find((k) => normalise(k) === n);
  if (same) return same;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const score = editDistance(n, normalise(k));
    if (score < bestScore) {
      best = k;
      bestScore = score;
    }
  }
  // Allow about one slip per four characters: "registry-mirror" → "registry-mirrors", not "debug" → "bip".
  const limit = Math.max(1, Math.floor(Math.min(n.length, (best ?? '').length) / 4));
  return bestScore <= limit ? best : undefined;
}
