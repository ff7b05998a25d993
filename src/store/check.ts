/** `store check`'s verdict: every finding of readStore, with what was checked. */
import type { StoreFinding } from './finding.ts';
import { readStore } from './read.ts';
import type { StoreView } from './view.ts';

export interface CheckReport {
  root: string;
  images: number;
  tags: number;
  layers: number;
  findings: StoreFinding[];
}

export async function checkStore(view: StoreView): Promise<CheckReport> {
  const contents = await readStore(view);
  return {
    root: contents.root,
    images: contents.images.length,
    tags: contents.images.reduce((n, i) => n + i.tags.length, 0),
    layers: contents.layers.size,
    findings: contents.findings,
  };
}
