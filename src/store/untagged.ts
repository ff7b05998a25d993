/**
 * The layers of layerdb that no tagged image uses. A registry-assisted pull (a name the store does
 * not know) still links them by chain ID (extrastorage LookupLayers), so they follow the same rules;
 * with no image config to say what they should be, their own `diff` and `parent` must make their
 * chain ID (layer.CreateChainID) and the parent must be in layerdb.
 */
import { extendChain } from './chain.ts';
import { finding, type StoreFinding } from './finding.ts';
import { readLayer, type StoreLayer } from './layer.ts';
import { GRAPH_DIR, layerDir, MAX_SMALL_FILE, SHA256_DIGEST } from './limits.ts';
import type { StoreView } from './view.ts';

const LAYERDB = `${GRAPH_DIR}/layerdb/sha256`;
const HEX = /^[0-9a-f]{64}$/;

/** Reads every chain of layerdb not in `known`; returns them and what is wrong with layerdb itself. */
export async function readUntaggedLayers(view: StoreView, known: ReadonlyMap<string, StoreLayer>): Promise<{ layers: StoreLayer[]; findings: StoreFinding[] }> {
  const listed = await view.listDir(LAYERDB);
  if (!listed.ok) return { layers: [], findings: listed.problem === 'missing' ? [] : [finding(LAYERDB, listed.problem, listed.reason)] };
  const layers: StoreLayer[] = [];
  // Names of another form are never reached: chain IDs become these names, nothing else does.
  for (const name of listed.names.filter((n) => HEX.test(n) && !known.has(`sha256:${n}`))) {
    layers.push(await readUntagged(view, `sha256:${name}`));
  }
  return { layers, findings: [] };
}

async function readUntagged(view: StoreView, chainId: string): Promise<StoreLayer> {
  const dir = layerDir(chainId);
  const broken = (f: StoreFinding): StoreLayer => ({ chainId, diffId: '', cacheId: undefined, size: undefined, tarSplitBytes: 0, ok: false, findings: [f] });
  const diff = await field(view, `${dir}/diff`);
  if (typeof diff !== 'string') return broken(diff);
  if (!SHA256_DIGEST.test(diff)) return broken(finding(`${dir}/diff`, 'diff', `diff ${JSON.stringify(diff)} is not a sha256 digest`));
  let parent: string | undefined;
  if (await view.exists(`${dir}/parent`)) {
    const read = await field(view, `${dir}/parent`);
    if (typeof read !== 'string') return broken(read);
    if (!SHA256_DIGEST.test(read)) return broken(finding(`${dir}/parent`, 'parent', `parent ${JSON.stringify(read)} is not a sha256 digest`));
    parent = read;
  }
  const made = extendChain(parent, diff);
  if (made !== chainId) return broken(finding(dir, 'chain', `its parent (${parent ?? 'none'}) and diff (${diff}) make chain ID ${made}, not the ${chainId} it is filed under`));
  const layer = await readLayer(view, chainId, parent, diff);
  if (parent !== undefined && !(await view.checkDir(layerDir(parent))).ok) {
    layer.findings.push(finding(`${dir}/parent`, 'parent', `parent ${parent} is not a layer of layerdb`));
    layer.ok = false;
  }
  return layer;
}

async function field(view: StoreView, rel: string): Promise<string | StoreFinding> {
  const read = await view.readFile(rel, MAX_SMALL_FILE);
  return read.ok ? read.bytes.toString('utf8').trim() : finding(rel, read.problem, read.reason);
}
