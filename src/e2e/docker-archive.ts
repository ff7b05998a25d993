/**
 * The pieces of a `docker save` archive (the docker-archive format `docker load` reads): the image
 * config with its rootfs diffIDs, and manifest.json. Pure, so the exact bytes, and with them the image
 * ID, are fixed by the layer digests alone.
 */
import { chainIds as storeChainIds } from '../store/chain.ts';

export interface ConfigOptions {
  architecture: string;
  cmd: readonly string[];
  env: readonly string[];
}


/** Docker's name for the running architecture (Node says x64 where Go says amd64). */
export function goArch(nodeArch: string): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return map[nodeArch] ?? nodeArch;
}

/** The image config; `created` is the epoch so two runs give the same image ID. */
export function imageConfig(diffIds: readonly string[], options: ConfigOptions): string {
  const config = {
    architecture: options.architecture,
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config: { Cmd: [...options.cmd], Env: [...options.env], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: diffIds.map((d) => `sha256:${d}`) },
    history: diffIds.map((_, i) => ({ created: '1970-01-01T00:00:00Z', created_by: `dockerd-extra e2e layer ${i + 1}` })),
  };
  return JSON.stringify(config);
}

export interface ArchiveEntry {
  configFile: string;
  repoTags: readonly string[];
  layerFiles: readonly string[];
}

export function archiveManifest(entries: readonly ArchiveEntry[]): string {
  return JSON.stringify(entries.map((e) => ({ Config: e.configFile, RepoTags: [...e.repoTags], Layers: [...e.layerFiles] })));
}

/** moby's layer.CreateChainID over bare hex digests (the one computation is src/store/chain.ts). */
export function chainIds(diffIds: readonly string[]): string[] {
  return storeChainIds(diffIds.map((d) => `sha256:${d}`)).map((c) => c.slice('sha256:'.length));
}

/** A manifest.json from `docker save`, reduced to what the e2e checks. */
export interface SavedImage {
  config: string;
  repoTags: string[];
  layers: string[];
}

export function parseSavedManifest(text: string): SavedImage[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('manifest.json is not an array');
  return parsed.map((item: { Config?: unknown; RepoTags?: unknown; Layers?: unknown }) => ({
    config: String(item.Config ?? ''),
    repoTags: Array.isArray(item.RepoTags) ? item.RepoTags.map(String) : [],
    layers: Array.isArray(item.Layers) ? item.Layers.map(String) : [],
  }));
}
