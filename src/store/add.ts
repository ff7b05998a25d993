/**
 * `store add`: images into a store through the engine itself. Each IMAGE is a `docker save` archive,
 * an OCI layout (a directory, tarred on the way; or its tar), or with --from-daemon a NAME:TAG a
 * local dockerd holds, streamed from its /images/get into the store's /images/load. The store's
 * dockerd writes the layout and stores a layer shared between images once. The edit machinery
 * (edit.ts) gives the staging copy, the check and the switch; this file gives the sources and the
 * loads, and the summary both verbs print.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError } from '../errors.ts';
import { need, runSteps, type Step } from '../steps.ts';
import { EngineApiError, loadedNames, loadImages, type LoadMessage } from './engine-api.ts';
import { openSource, sourceLabel, type ImageSource } from './sources.ts';
import { editState, editSteps, type EditState } from './edit.ts';
import { StoreEditError } from './errors.ts';
import type { StoreContents } from './read.ts';

export interface LoadedImage {
  source: ImageSource;
  /** NAME:TAG the engine loaded, or the image ID when the source named none. */
  names: string[];
}

export interface AddState extends EditState {
  sources: ImageSource[];
  loaded: LoadedImage[];
}

export function addState(store: string, dockerd: string, sources: ImageSource[]): AddState {
  return { ...editState('add', store, dockerd), sources, loaded: [] };
}

export function addSteps(state: AddState): Step<AddState>[] {
  return editSteps<AddState>(state.sources.map((source) => ({ title: `Load ${sourceLabel(source)}`, run: (s, io) => loadOne(s, source, io) })));
}

async function loadOne(s: AddState, source: ImageSource, io: { signal: AbortSignal; progress(line: string): void }): Promise<string> {
  const dir = need(s.daemonDir, 'the private dockerd');
  const socket = join(dir, 'docker.sock');
  const progress = layerProgress(io.progress);
  const work = join(dir, `source-${s.loaded.length}`);
  try {
    const body = await openSource(source, work, io.signal);
    const messages = await loadImages(socket, body, progress, io.signal);
    const { tags, ids } = loadedNames(messages);
    const names = tags.length ? tags : ids;
    s.loaded.push({ source, names });
    return `Loaded ${sourceLabel(source)}: ${names.join(', ') || 'no image'}${tags.length ? '' : ' (untagged: the source names no NAME:TAG, so no pull name reaches it)'}`;
  } catch (error) {
    if (io.signal.aborted) throw new CancelledError(`store add of ${sourceLabel(source)}`);
    if (error instanceof EngineApiError) throw new StoreEditError('add', s.store, sourceLabel(source), error.reason);
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** One line when a layer starts, every 256 MiB, and when it is done; not one per progress message. */
export function layerProgress(emit: (line: string) => void): (m: LoadMessage) => void {
  const seen = new Map<string, number>();
  return (m) => {
    if (!m.id || !m.progressDetail) return;
    const current = m.progressDetail.current ?? 0;
    const total = m.progressDetail.total ?? 0;
    const last = seen.get(m.id);
    const done = total > 0 && current >= total;
    if (last === undefined || done || current - last >= 256 * 2 ** 20) {
      if (last !== undefined && last >= total && total > 0) return;
      seen.set(m.id, current);
      emit(`layer ${m.id}: ${m.status ?? ''} ${mib(current)}/${mib(total)} MiB${done ? ', done' : ''}`.replace(/\s+/g, ' '));
    }
  };
}

const mib = (n: number) => (n / 2 ** 20).toFixed(1);

export interface EditSummary {
  images: { before: number; after: number; added: string[]; removed: string[] };
  layers: { before: number; after: number; added: number; removed: number };
  bytes: { added: number; removed: number; store: number };
}

/** What changed between two readings of the store (by image ID and layer chain ID; sizes from `size`). */
export function summarizeEdit(before: StoreContents, after: StoreContents): EditSummary {
  const ids = (c: StoreContents) => new Set(c.images.map((i) => i.id));
  const [bi, ai] = [ids(before), ids(after)];
  const sum = (c: StoreContents, keep: (chain: string) => boolean) => [...c.layers.values()].filter((l) => keep(l.chainId)).reduce((n, l) => n + (l.size ?? 0), 0);
  const addedLayers = [...after.layers.keys()].filter((c) => !before.layers.has(c));
  const removedLayers = [...before.layers.keys()].filter((c) => !after.layers.has(c));
  return {
    images: { before: bi.size, after: ai.size, added: [...ai].filter((i) => !bi.has(i)), removed: [...bi].filter((i) => !ai.has(i)) },
    layers: { before: before.layers.size, after: after.layers.size, added: addedLayers.length, removed: removedLayers.length },
    bytes: { added: sum(after, (c) => !before.layers.has(c)), removed: sum(before, (c) => !after.layers.has(c)), store: sum(after, () => true) },
  };
}

/** Runs the add steps bare (no display), for the e2e and the benchmark; returns the summary. */
export async function addImages(store: string, dockerd: string, sources: ImageSource[], signal: AbortSignal): Promise<{ state: AddState; summary: EditSummary }> {
  const state = addState(store, dockerd, sources);
  await runSteps(addSteps(state), state, { signal, progress: () => {} });
  return { state, summary: summarizeEdit(need(state.before, 'the store before'), need(state.after, 'the store after')) };
}
