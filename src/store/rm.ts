/**
 * `store rm`: tags out of a store, through the engine (`docker rmi` on the staging copy's dockerd),
 * which drops an image with its last tag and each of its layers no other image uses. The edit
 * machinery (edit.ts) gives the copy, the check and the switch.
 */
import { need, runSteps, type Step } from '../steps.ts';
import { UsageError } from '../errors.ts';
import { summarizeEdit, type EditSummary } from './add.ts';
import { editState, editSteps, type EditState } from './edit.ts';
import { StoreEditError } from './errors.ts';

export interface RmState extends EditState {
  tags: string[];
  removed: string[];
}

/** NAME:TAG operands; a digest or an image ID would remove more than the tag the user sees. */
export function rmTags(operands: readonly string[]): string[] {
  if (operands.length === 0) throw new UsageError('store rm: give at least one NAME:TAG to remove; see npm run store -- rm --help');
  for (const op of operands) {
    if (op.includes('@') || /^(sha256:)?[0-9a-f]{12,64}$/.test(op) || !/:[\w][\w.-]{0,127}$/.test(op.slice(op.lastIndexOf('/') + 1))) {
      throw new UsageError(`store rm: ${op} is not NAME:TAG; name each tag to remove (npm run store -- ls DIR lists them)`);
    }
  }
  return [...operands];
}

export function rmState(store: string, dockerd: string, tags: string[]): RmState {
  return { ...editState('rm', store, dockerd), tags, removed: [] };
}

export function rmSteps(state: RmState): Step<RmState>[] {
  return editSteps<RmState>(state.tags.map((tag) => ({ title: `Remove ${tag}`, run: (s, io) => removeOne(s, tag, io.signal) })));
}

async function removeOne(s: RmState, tag: string, signal: AbortSignal): Promise<string> {
  const daemon = need(s.daemon, 'the private dockerd');
  const r = await daemon.docker.call(['rmi', tag], { reject: false, signal, timeoutMs: 600_000 });
  if (r.exitCode !== 0) {
    const why = (r.stderr || r.stdout).trim().replace(/^Error response from daemon:\s*/, '').split('\n').at(-1) ?? 'failed';
    throw new StoreEditError('rm', s.store, tag, /No such image/i.test(why) ? 'the store has no such tag (npm run store -- ls DIR lists its tags)' : why);
  }
  const deleted = r.stdout.split('\n').filter((l) => l.startsWith('Deleted: ')).length;
  s.removed.push(tag);
  return `Removed ${tag}${deleted ? ` (${deleted} image and layer record${deleted === 1 ? '' : 's'} deleted)` : ' (the image keeps other tags)'}`;
}

/** Runs the rm steps bare (no display); returns the summary. */
export async function removeTags(store: string, dockerd: string, tags: string[], signal: AbortSignal): Promise<{ state: RmState; summary: EditSummary }> {
  const state = rmState(store, dockerd, tags);
  await runSteps(rmSteps(state), state, { signal, progress: () => {} });
  return { state, summary: summarizeEdit(need(state.before, 'the store before'), need(state.after, 'the store after')) };
}
