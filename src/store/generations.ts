/**
 * The generations of a published store, as `store publish` lays them out and the engine reads them:
 * EXPORT/generations/<N>-<UTC time>/ (each a whole data-root, never written once published) and
 * EXPORT/current, a symlink to generations/<name>, switched atomically. A pull links the generation
 * current names at that moment, so an older generation stays in use until its images are removed.
 * Pure: names, order, what to prune; the I/O is in publish.ts.
 */

export const GENERATIONS_DIR = 'generations';
export const CURRENT_LINK = 'current';

/** The engine's form of a generation name (daemon/extrastorage/generation.go), ours is a subset. */
const ENGINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** What publish writes: a sequence number, then the UTC time of the publish. */
const OUR_NAME = /^(\d{1,9})-(\d{8}T\d{6}Z)$/;

export interface Generation {
  name: string;
  seq: number;
}

/** The generations among a listing of EXPORT/generations (others, like staging copies, are ignored). */
export function parseGenerations(names: readonly string[]): Generation[] {
  return names
    .flatMap((name) => {
      const m = OUR_NAME.exec(name);
      return m ? [{ name, seq: Number(m[1]) }] : [];
    })
    .sort((a, b) => b.seq - a.seq || (a.name < b.name ? 1 : -1));
}

/** The name of the next generation: one more than the newest, stamped with `now` (UTC, seconds). */
export function nextGenerationName(existing: readonly Generation[], now: Date): string {
  const seq = (existing[0]?.seq ?? 0) + 1;
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${seq}-${stamp}`;
}

/** The generation a `current` link target names, or undefined when it is not generations/<name>. */
export function generationOfTarget(target: string): string | undefined {
  const m = /^generations\/([^/]+)$/.exec(target);
  return m && ENGINE_NAME.test(m[1]!) ? m[1] : undefined;
}

/**
 * The generations to remove: all but the newest `keep`, and never `current` (the one hosts pull from
 * now), whatever its age. Newest first, like `existing`.
 */
export function generationsToPrune(existing: readonly Generation[], keep: number, current: string | undefined): Generation[] {
  return existing.slice(keep).filter((g) => g.name !== current);
}
