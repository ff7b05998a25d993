/**
 * Issue 12's attacks on the host by whoever controls the store, one case per row: each works on its
 * own copy of the good store with its own private patched dockerd, and records checks whose detail
 * says what the operator needs to know (what was refused, with the daemon's words, how fast, what
 * was left behind). Each case's file says why the engine before issue 12 failed it.
 */
import { errorText } from './context.ts';
import type { AttackEnv } from './attack-kit.ts';
import { runFifo, runTarSplitBomb } from './attack-bounds.ts';
import { runContentTamper, runGuardReleases, runPoisonedLoad, runTreeTamper } from './attack-content.ts';
import { runMountRace, runRepublished } from './attack-race.ts';
import { runRegistryMapping } from './attack-registry.ts';
import { runSmallCases, runTraversal } from './attack-structure.ts';

export interface AttackCase {
  /** The item of issue 12 it reproduces. */
  item: number;
  title: string;
  run: (env: AttackEnv) => Promise<void>;
  /** Why the case proves nothing on the containerd image store, when it does not (it reads the graph driver's own files). */
  graphDriverOnly?: string;
}

export const ATTACKS: readonly AttackCase[] = [
  { item: 1, title: 'layer content changed, metadata kept', run: runContentTamper },
  { item: 1, title: 'layer directory changed where the tar-split cannot see', run: runTreeTamper },
  { item: 2, title: 'poisoning outlives the pull', run: runPoisonedLoad },
  { item: 2, title: 'the reuse guard keeps no layer reference', run: runGuardReleases, graphDriverOnly: "the guard is the graph driver's layer store's; the containerd store's layers are containerd's snapshots" },
  { item: 3, title: 'check-then-mount race', run: runMountRace },
  { item: 4, title: 'path traversal through the first diffID', run: runTraversal },
  { item: 5, title: 'registry mapping recorded unchecked', run: runRegistryMapping },
  { item: 6, title: 'tar-split with one 1 GiB JSON token', run: runTarSplitBomb },
  { item: 6, title: 'FIFO for a layerdb file', run: runFifo },
  { item: 7, title: 'malformed diffID, two image IDs, huge size', run: runSmallCases },
  { item: 7, title: 'layer directory republished after the pull', run: runRepublished },
];

export async function runAttacks(env: AttackEnv): Promise<void> {
  for (const attack of ATTACKS) {
    if (env.ctx.signal.aborted) return;
    if (env.ctx.containerdStore && attack.graphDriverOnly) {
      env.ctx.results.skip(`attack ${attack.item} (${attack.title}) on the containerd image store`, attack.graphDriverOnly);
      continue;
    }
    try {
      await attack.run(env);
    } catch (error) {
      env.ctx.results.fail(`attack ${attack.item} (${attack.title})`, errorText(error));
    }
  }
}
