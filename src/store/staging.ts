/**
 * The staging copy `store add` and `store rm` work on, so that an interrupted run leaves the store as
 * it was. The copy sits next to the store (same filesystem, so the switch is a rename): a reflink copy
 * where the filesystem clones files, else a hardlink farm in which only immutable layer content is
 * shared. dockerd never rewrites a committed layer's `overlay2/<cache-id>/diff/` files (new layers get
 * new directories, removed ones are unlinked), but it rewrites other files in place: its bolt
 * databases (network/files/local-kv.db, buildkit/, volumes/, containerd/), and files written with
 * O_TRUNC (an overlay2 layer's `link`, `lower`). Those are copied. Directories are never shared.
 * At the end the copy is switched in with two renames: DIR → DIR's old name, copy → DIR; then the old
 * tree is removed. A run that dies leaves names that say what happened; recoverLeftovers reads them.
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Where the copy and the old tree go, next to the store. */
export interface StagingPaths {
  store: string;
  staging: string;
  old: string;
}

const STAGING = '.staging-';
const OLD = '.old-';

/** `.NAME.staging-PID-NONCE` and `.NAME.old-PID-NONCE` beside the store, hidden from `ls`. */
export function stagingPaths(store: string, pid: number, nonce = randomBytes(3).toString('hex')): StagingPaths {
  const base = join(dirname(store), `.${basename(store)}`);
  return { store, staging: `${base}${STAGING}${pid}-${nonce}`, old: `${base}${OLD}${pid}-${nonce}` };
}

/** Whether a path inside the store (relative, `/`-separated) is a committed layer's content, safe to hardlink. */
export function isLayerContent(rel: string): boolean {
  return /^overlay2\/[^/]+\/diff\/./.test(rel);
}

/** A name beside the store left by an earlier run, and whether that run is still alive. */
export interface Leftover {
  path: string;
  kind: 'staging' | 'old';
  pid: number;
}

/** The leftovers of earlier runs among the names in the store's parent folder. */
export function findLeftovers(store: string, names: readonly string[]): Leftover[] {
  const prefix = `.${basename(store)}`;
  const out: Leftover[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^\.(staging|old)-(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length));
    if (m) out.push({ path: join(dirname(store), name), kind: m[1] as Leftover['kind'], pid: Number(m[2]) });
  }
  return out;
}

/**
 * What to do with the leftovers of dead runs, given whether the store itself exists: a staging copy
 * was never switched in (remove it); an old tree with the store present was switched out (remove it);
 * an old tree with the store absent died between the two renames (put it back).
 */
export type LeftoverAction = { kind: 'remove'; path: string; why: string } | { kind: 'restore'; path: string; why: string };

export function planLeftovers(leftovers: readonly Leftover[], storeExists: boolean): LeftoverAction[] {
  const actions: LeftoverAction[] = [];
  const olds = leftovers.filter((l) => l.kind === 'old');
  for (const l of leftovers.filter((x) => x.kind === 'staging')) actions.push({ kind: 'remove', path: l.path, why: 'a staging copy an interrupted run never switched in' });
  olds.forEach((l, i) => {
    if (!storeExists && i === olds.length - 1) actions.push({ kind: 'restore', path: l.path, why: 'the store as it was before a run that died while switching' });
    else actions.push({ kind: 'remove', path: l.path, why: 'the previous store, already replaced' });
  });
  return actions;
}

export async function leftoversOf(store: string): Promise<Leftover[]> {
  return findLeftovers(store, await readdir(dirname(store)));
}

/** DIR → old, staging → DIR, then the old tree goes. The store is absent only between the renames. */
export async function switchIn(paths: StagingPaths, storeExists: boolean): Promise<void> {
  if (storeExists) await rename(paths.store, paths.old);
  await rename(paths.staging, paths.store);
  if (storeExists) await rm(paths.old, { recursive: true, force: true });
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
