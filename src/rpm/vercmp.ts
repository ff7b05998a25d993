/**
 * rpm's version comparison (rpmvercmp.c), as a pure function, so the release we pick can be proven to
 * sort above the stock package without an rpm binary. test/rpm/version.test.ts checks it against
 * rpm's own `rpm.vercmp` on a table of tricky pairs.
 */
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isSeparator = (c: string | undefined) => c !== undefined && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';

function compareNumbers(x: string, y: string): number {
  const a = x.replace(/^0+/, '');
  const b = y.replace(/^0+/, '');
  if (a.length !== b.length) return a.length > b.length ? 1 : -1;
  return a === b ? 0 : a > b ? 1 : -1;
}

/** -1, 0 or 1 as rpm orders two version (or release) strings. */
export function rpmvercmp(one: string, two: string): -1 | 0 | 1 {
  if (one === two) return 0;
  let i = 0;
  let j = 0;
  while (i < one.length || j < two.length) {
    while (isSeparator(one[i])) i++;
    while (isSeparator(two[j])) j++;
    // A tilde sorts before anything, even the end of the string (pre-releases).
    if (one[i] === '~' || two[j] === '~') {
      if (one[i] !== '~') return 1;
      if (two[j] !== '~') return -1;
      i++, j++;
      continue;
    }
    // A caret sorts after the end of the string but before any other segment (post-releases).
    if (one[i] === '^' || two[j] === '^') {
      if (i >= one.length) return -1;
      if (j >= two.length) return 1;
      if (one[i] !== '^') return 1;
      if (two[j] !== '^') return -1;
      i++, j++;
      continue;
    }
    if (i >= one.length || j >= two.length) break;
    const numeric = isDigit(one[i]);
    const take = numeric ? isDigit : isAlpha;
    const s1 = i;
    const s2 = j;
    while (take(one[i])) i++;
    while (take(two[j])) j++;
    const a = one.slice(s1, i);
    const b = two.slice(s2, j);
    // Segments of different kinds: a number is newer than letters.
    if (b.length === 0) return numeric ? 1 : -1;
    const rc = numeric ? compareNumbers(a, b) : a === b ? 0 : a > b ? 1 : -1;
    if (rc !== 0) return rc > 0 ? 1 : -1;
  }
  if (i >= one.length && j >= two.length) return 0;
  return i >= one.length ? -1 : 1;
}

export interface Evr {
  epoch: number;
  version: string;
  release: string;
}

/** Orders two packages' epoch:version-release as rpm and dnf do. */
export function compareEvr(a: Evr, b: Evr): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? 1 : -1;
  return rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}
