/**
 * One chain of the store's layerdb and the overlay2 directory it points to, as the engine checks it
 * (extrastorage/layers.go readLayer, checkParent): every rule is applied and every problem kept, so
 * one run of `store check` lists them all where a pull stops at the first.
 */
import { finding, type StoreFinding } from './finding.ts';
import { CACHE_ID, diffDir, layerDir, MAX_LAYER_SIZE, MAX_SMALL_FILE, MAX_TAR_SPLIT } from './limits.ts';
import { checkTarSplit } from './tar-split.ts';
import type { StoreView } from './view.ts';

export interface StoreLayer {
  chainId: string;
  diffId: string;
  cacheId: string | undefined;
  /** The `size` file: bytes of the unpacked layer. */
  size: number | undefined;
  /** Compressed bytes of tar-split.json.gz, counted against the image's cap. */
  tarSplitBytes: number;
  /** Whether a pull can link it. */
  ok: boolean;
  findings: StoreFinding[];
}

export async function readLayer(view: StoreView, chainId: string, parent: string | undefined, diffId: string): Promise<StoreLayer> {
  const dir = layerDir(chainId);
  const layer: StoreLayer = { chainId, diffId, cacheId: undefined, size: undefined, tarSplitBytes: 0, ok: false, findings: [] };
  const add = (rel: string, rule: StoreFinding['rule'], message: string) => layer.findings.push(finding(rel, rule, message));
  const dirCheck = await view.checkDir(dir);
  if (!dirCheck.ok) {
    add(dir, dirCheck.problem, dirCheck.problem === 'missing' ? `the store has no layer ${chainId} (diffID ${diffId})` : dirCheck.reason);
    return layer;
  }
  const field = async (name: string) => {
    const read = await view.readFile(`${dir}/${name}`, MAX_SMALL_FILE);
    if (!read.ok) add(`${dir}/${name}`, read.problem, read.reason);
    return read.ok ? read.bytes.toString('utf8').trim() : undefined;
  };

  const cacheId = await field('cache-id');
  if (cacheId !== undefined && !CACHE_ID.test(cacheId)) add(`${dir}/cache-id`, 'cache-id', `cache-id ${JSON.stringify(cacheId)} is not 64 lowercase hex characters`);
  else layer.cacheId = cacheId;

  const diff = await field('diff');
  if (diff !== undefined && diff !== diffId) add(`${dir}/diff`, 'diff', `diff ${JSON.stringify(diff)} does not match the image config's diffID ${diffId}`);

  const size = await field('size');
  if (size !== undefined) {
    const n = parseGoInt(size);
    if (n === undefined || n < 0 || n > MAX_LAYER_SIZE) add(`${dir}/size`, 'size', `size ${JSON.stringify(size)} is not an integer from 0 to ${MAX_LAYER_SIZE}`);
    else layer.size = n;
  }

  await checkParent(view, dir, parent, add);

  const tsRel = `${dir}/tar-split.json.gz`;
  const ts = await view.readFile(tsRel, MAX_TAR_SPLIT);
  if (!ts.ok) add(tsRel, ts.problem, ts.reason);
  else {
    layer.tarSplitBytes = ts.bytes.length;
    const problem = await checkTarSplit(ts.bytes);
    if (problem) add(tsRel, 'tar-split', problem);
  }

  if (layer.cacheId !== undefined) {
    const data = await view.checkDir(diffDir(layer.cacheId));
    if (!data.ok) add(diffDir(layer.cacheId), data.problem, data.problem === 'missing' ? `the layer data of ${chainId} (cache-id ${layer.cacheId}) does not exist` : data.reason);
  }
  layer.ok = layer.findings.length === 0;
  return layer;
}

async function checkParent(view: StoreView, dir: string, parent: string | undefined, add: (rel: string, rule: 'parent' | StoreFinding['rule'], message: string) => void): Promise<void> {
  const rel = `${dir}/parent`;
  if (parent === undefined) {
    if (await view.exists(rel)) add(rel, 'parent', 'the base layer must not have a parent');
    return;
  }
  const read = await view.readFile(rel, MAX_SMALL_FILE);
  if (!read.ok) return add(rel, read.problem, read.reason);
  const got = read.bytes.toString('utf8').trim();
  if (got !== parent) add(rel, 'parent', `parent ${JSON.stringify(got)}, expected ${parent}`);
}

/** strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, within int64. */
function parseGoInt(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return undefined;
  return Number(n);
}
