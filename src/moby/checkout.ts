/**
 * Where the moby tree comes from: a checkout opened in place, or a clone (of a URL or of a local
 * bare mirror) at a ref in a cache folder that later runs reuse. Opening never changes the user's
 * tree; cloning writes only under the cache folder, through a temp name renamed at the end so an
 * interrupted clone is never mistaken for a finished one.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, realpath, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { sha256 } from '../digest.ts';
import { git } from '../exec/git.ts';
import { CancelledError } from '../errors.ts';
import { CloneFailedError, MobyPathMissingError, NotGitError, NotMobyTreeError, RefMismatchError } from './errors.ts';

export const UPSTREAM_URL = 'https://github.com/moby/moby.git';

export type MobySource =
  | { kind: 'tree'; dir: string; ref?: string }
  | { kind: 'clone'; from: string; ref: string; dest: string };

export interface Checkout {
  dir: string;
  head: string;
  shortHead: string;
  /** How we got it, for the closing line. */
  origin: 'opened' | 'cloned' | 'reused-cache';
}

/** scheme://…, user@host:path, or file: — anything git clones that is not a plain local path. */
export function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[\w.-]+@[\w.-]+:/.test(value);
}

export function defaultCacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.DOCKERD_EXTRA_CACHE) return env.DOCKERD_EXTRA_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dockerd-extra');
}

/** One clone per source and ref: a fork at the same tag is another tree, and must not be reused for it. */
export function cacheDirFor(cacheRoot: string, from: string, ref: string): string {
  const source = sha256(from).slice(0, 12);
  return join(cacheRoot, `moby-${ref.replace(/[^\w.-]+/g, '_')}-${source}`);
}

export interface SourceOptions {
  moby?: string;
  ref?: string;
  cwd: string;
  cacheRoot: string;
  /** The ref used when cloning without --ref: the newest supported base. */
  defaultRef: () => Promise<string>;
}

export async function resolveSource(options: SourceOptions): Promise<MobySource> {
  const clone = async (from: string): Promise<MobySource> => {
    const ref = options.ref ?? (await options.defaultRef());
    return { kind: 'clone', from, ref, dest: cacheDirFor(options.cacheRoot, from, ref) };
  };
  if (options.moby === undefined) return clone(UPSTREAM_URL);
  if (isUrl(options.moby)) return clone(options.moby);
  const path = resolve(options.cwd, options.moby);
  if (!existsSync(path)) throw new MobyPathMissingError(options.moby);
  if (!statSync(path).isDirectory()) throw new NotGitError(options.moby);
  const layout = await gitLayout(path);
  if (layout === 'none') throw new NotGitError(options.moby);
  if (layout === 'bare') return clone(path);
  return { kind: 'tree', dir: path, ...(options.ref ? { ref: options.ref } : {}) };
}

/** 'tree' only when `path` is the top of a work tree: a sub-folder of some other repo is not one. */
async function gitLayout(path: string): Promise<'tree' | 'bare' | 'none'> {
  try {
    const repo = git(path);
    if ((await repo.raw(['rev-parse', '--is-bare-repository'])).trim() === 'true') return 'bare';
    const top = (await repo.raw(['rev-parse', '--show-toplevel'])).trim();
    return top && (await realpath(top)) === (await realpath(path)) ? 'tree' : 'none';
  } catch {
    return 'none';
  }
}

export async function obtainCheckout(source: MobySource, signal?: AbortSignal): Promise<Checkout> {
  switch (source.kind) {
    case 'tree':
      return openTree(source.dir, 'opened', source.ref);
    case 'clone':
      if (existsSync(join(source.dest, '.git'))) return openTree(source.dest, 'reused-cache');
      await cloneInto(source, signal);
      return openTree(source.dest, 'cloned');
  }
}

async function cloneInto(source: Extract<MobySource, { kind: 'clone' }>, signal?: AbortSignal): Promise<void> {
  const parent = dirname(source.dest);
  await mkdir(parent, { recursive: true });
  const temp = `${source.dest}.partial-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  // A remote clone of moby is large; one commit is all a build needs. Local clones hard-link.
  const shallow = isUrl(source.from) && !source.from.startsWith('file:') ? ['--depth', '1'] : [];
  try {
    await git(parent, signal).clone(source.from, temp, ['--quiet', '--branch', source.ref, ...shallow]);
    await rename(temp, source.dest);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (signal?.aborted) throw new CancelledError(`cloning ${source.from}`);
    const text = error instanceof Error ? error.message : String(error);
    // git's last line is the verdict; the ones before it often say why (a missing branch, a proxy).
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
    const reason = lines.at(-1)?.replace(/^fatal:\s*/, '') ?? 'git clone failed';
    throw new CloneFailedError(source.from, source.ref, reason, lines.slice(-5, -1));
  }
}

/** Paths every moby tree has; any one missing means the folder is something else. */
export const MOBY_MARKERS = ['cmd/dockerd', 'daemon', 'hack/make.sh'] as const;

export function missingMarkers(exists: (path: string) => boolean): string[] {
  const missing: string[] = MOBY_MARKERS.filter((m) => !exists(m));
  if (!exists('vendor.mod') && !exists('go.mod')) missing.push('vendor.mod');
  return missing;
}

export async function openTree(dir: string, origin: Checkout['origin'], ref?: string): Promise<Checkout> {
  const missing = missingMarkers((p) => existsSync(join(dir, p)));
  if (missing.length) throw new NotMobyTreeError(dir, missing);
  const repo = git(dir);
  const head = (await repo.raw(['rev-parse', 'HEAD'])).trim();
  if (ref !== undefined) {
    const wanted = await repo.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (wanted.trim() !== head) throw new RefMismatchError(dir, ref);
  }
  const shortHead = (await repo.raw(['rev-parse', '--short=7', 'HEAD'])).trim();
  return { dir, head, shortHead, origin };
}
