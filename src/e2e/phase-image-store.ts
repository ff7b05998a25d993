/**
 * On the containerd image store only extra-snapshotter can link a store's layers (phase-containerd.ts);
 * with any other snapshotter every NAME:TAG-extra pull would fail or quietly go to a registry. The
 * patched dockerd must refuse to start, and say in its log which daemon.json setting to change: when
 * the containerd store is asked for with a graph driver's name as storage-driver (both lines), when it
 * is v29's default for a new data-root and no storage-driver is set, and when v29's
 * containerd-migration feature could move the daemon to it.
 */
import { readFile } from 'node:fs/promises';
import { errorText, startPrivateDaemon, type E2eContext } from './context.ts';
import { DaemonStartError } from './errors.ts';
import type { PreparedStore } from './store.ts';
import { orIfMissing } from '../errors.ts';

/** v28 refuses the containerd store outright; v29 refuses it without extra-snapshotter. */
const REFUSAL = /extra-storage is not available with the containerd image store|extra-storage on the containerd image store needs extra-snapshotter/;

interface Case {
  name: string;
  /** Features over the line's own; null leaves a feature to the engine's default. */
  features: Record<string, boolean | null>;
  /** The engine's own choice of storage, not overlay2 by flag (which picks the graph driver). */
  engineChoosesStore?: true;
  hint: string;
  minMajor: number;
}

const CASES: readonly Case[] = [
  { name: 'the containerd image store asked for', features: { 'containerd-snapshotter': true }, hint: '"containerd-snapshotter": false', minMajor: 28 },
  { name: "the containerd image store as v29's default", features: { 'containerd-snapshotter': null }, engineChoosesStore: true, hint: '"containerd-snapshotter": false', minMajor: 29 },
  { name: 'the containerd-migration feature on', features: { 'containerd-migration': true }, hint: 'remove "containerd-migration"', minMajor: 29 },
];

export async function runImageStorePhase(ctx: E2eContext, store: PreparedStore): Promise<void> {
  for (const [i, c] of CASES.entries()) {
    if ((ctx.engineMajor ?? 28) < c.minMajor) continue;
    const name = `image store: dockerd with extra-storage refuses to start with ${c.name}, and names the setting`;
    try {
      // A name (so a log) of its own per case: the refusal read is this start's.
      const config = { 'extra-storage': { path: store.mountPoint }, features: c.features };
      const daemon = await startPrivateDaemon(ctx, `containerd-store-${i + 1}`, config, undefined, c.engineChoosesStore ? { storageDriver: null } : {});
      await daemon.release();
      ctx.results.fail(name, 'it started');
    } catch (error) {
      if (!(error instanceof DaemonStartError)) {
        ctx.results.fail(name, errorText(error));
        continue;
      }
      // dockerd says it twice: as logrus, with its quotes escaped, and plainly on stderr.
      const lines = (await readFile(error.logFile, 'utf8').catch(orIfMissing(''))).split('\n').filter((l) => REFUSAL.test(l));
      ctx.results.check(name, lines.some((l) => l.includes(c.hint)), lines.at(-1) ?? `no line of ${error.logFile} matches ${REFUSAL}: ${error.message}`);
    }
  }
}
