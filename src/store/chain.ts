/** Chain IDs, as layer.CreateChainID computes them: the base's is its diffID, then sha256(parent + " " + diffID). */
import { sha256 } from '../digest.ts';

export function extendChain(parent: string | undefined, diffId: string): string {
  return parent === undefined ? diffId : `sha256:${sha256(`${parent} ${diffId}`)}`;
}

export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(extendChain(out.at(-1), d));
  return out;
}
