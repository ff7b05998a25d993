/** `store check`'s verdict: every finding of readStore (and of --deep), with what was checked. */
import type { DeepReport } from './deep.ts';
import type { StoreFinding } from './finding.ts';
import { readStore, type StoreContents } from './read.ts';
import type { StoreView } from './view.ts';

export interface CheckReport {
  root: string;
  images: number;
  tags: number;
  layers: number;
  deep?: DeepReport;
  findings: StoreFinding[];
}

export async function checkStore(view: StoreView): Promise<CheckReport> {
  return summarize(await readStore(view));
}

export function summarize(contents: StoreContents, deep?: DeepReport): CheckReport {
  return {
    root: contents.root,
    images: contents.images.length,
    tags: contents.images.reduce((n, i) => n + i.tags.length, 0),
    layers: contents.layers.size,
    ...(deep ? { deep } : {}),
    findings: [...contents.findings, ...(deep?.findings ?? [])],
  };
}
