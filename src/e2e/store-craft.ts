/**
 * Writable copies of the good store and the edits an adversary who controls a store would make to
 * one: a name pointed at a crafted image config (stored under its own digest, so the config check
 * passes), a name given a second image ID, a layerdb file replaced. The copies live under the e2e's
 * work dir and are removed by their caller.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { E2eContext } from './context.ts';
import { sha256 as sha256Hex } from '../digest.ts';
import { copyTree, type PreparedStore } from './store.ts';

const GRAPH = 'image/overlay2';

interface Repositories {
  Repositories: Record<string, Record<string, string>>;
}

/** A fresh copy of the good store at work/<name> (modes, owners, links and whiteouts kept). */
export async function copyStore(ctx: E2eContext, store: PreparedStore, name: string): Promise<string> {
  const root = join(ctx.work, name);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await copyTree(store.mountPoint, root, ctx.signal);
  return root;
}

async function readRepositories(root: string): Promise<Repositories> {
  return JSON.parse(await readFile(join(root, GRAPH, 'repositories.json'), 'utf8')) as Repositories;
}

async function writeRepositories(root: string, repos: Repositories): Promise<void> {
  await writeFile(join(root, GRAPH, 'repositories.json'), JSON.stringify(repos));
}

/** The store's image config of imageId, parsed. */
export async function readStoreConfig(root: string, imageId: string): Promise<{ rootfs: { diff_ids: string[] } } & Record<string, unknown>> {
  return JSON.parse(await readFile(join(root, GRAPH, 'imagedb/content/sha256', imageId), 'utf8')) as { rootfs: { diff_ids: string[] } };
}

/**
 * Stores `config` in the imagedb under its own digest and points `ref` at it: what a store does to
 * get a crafted config past the daemon's digest check. Returns the new image ID (hex).
 */
export async function publishConfig(root: string, ref: string, config: unknown): Promise<string> {
  const text = JSON.stringify(config);
  const id = sha256Hex(text);
  await writeFile(join(root, GRAPH, 'imagedb/content/sha256', id), text);
  const repos = await readRepositories(root);
  for (const tags of Object.values(repos.Repositories)) if (ref in tags) tags[ref] = `sha256:${id}`;
  await writeRepositories(root, repos);
  return id;
}

/** Lists `ref` a second time, under another repository's key, with another image ID. */
export async function addDecoyName(root: string, ref: string, decoyRepo: string, imageId: string): Promise<void> {
  const repos = await readRepositories(root);
  repos.Repositories[decoyRepo] = { [ref]: `sha256:${imageId}` };
  await writeRepositories(root, repos);
}

/** layerdb/sha256/<chain>/<file> of a store. */
export const layerdbFile = (root: string, chain: string, file: string) => join(root, GRAPH, 'layerdb/sha256', chain, file);

/**
 * A tar-split.json.gz whose only entry holds one JSON string of `tokenBytes` bytes, written through
 * a streaming gzip (level 1, as a quick attacker would: 1 GiB becomes about 4.7 MB). Nothing of the
 * token is ever held in memory here beyond one 1 MiB chunk.
 */
export async function writeTarSplitBomb(file: string, tokenBytes: number): Promise<number> {
  const chunk = Buffer.alloc(1 << 20, 0x41);
  function* lines(): Generator<Buffer> {
    yield Buffer.from('{"type":2,"payload":"');
    for (let left = tokenBytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    yield Buffer.from('","position":0}\n');
  }
  await pipeline(Readable.from(lines()), createGzip({ level: 1 }), createWriteStream(file));
  return (await stat(file)).size;
}
