/** A problem `store check` found: the file it concerns, the rule it breaks, one line of why. */
import type { ReadProblem } from './view.ts';

export type StoreRule =
  | ReadProblem
  | 'repositories-json'
  | 'reference'
  | 'image-id'
  | 'ambiguous-name'
  | 'config-digest'
  | 'config'
  | 'cache-id'
  | 'diff'
  | 'size'
  | 'parent'
  | 'chain'
  | 'tar-split'
  | 'tar-split-total'
  | 'content'
  | 'pull';

export interface StoreFinding {
  /** Relative to the store's root (the text output joins it to the root). */
  path: string;
  rule: StoreRule;
  message: string;
}

export function finding(path: string, rule: StoreRule, message: string): StoreFinding {
  return { path, rule, message };
}
