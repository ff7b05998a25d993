/**
 * The engine's limits on what it reads from a store, in one list, so that `store check` refuses
 * exactly what a pull refuses. Each value is a Go constant of full/v28.5.2/daemon/extrastorage/
 * (named in the comment): change them together.
 */

/** resolve.go maxRepositoriesJSON: image/overlay2/repositories.json. */
export const MAX_REPOSITORIES_JSON = 64 * 2 ** 20;
/** resolve.go maxImageConfig: one imagedb/content/sha256/<id>. */
export const MAX_IMAGE_CONFIG = 8 * 2 ** 20;
/** resolve.go maxSmallFile: layerdb's cache-id, diff, size and parent. */
export const MAX_SMALL_FILE = 4 * 2 ** 10;
/** resolve.go maxLayers (= layer.maxLayerDepth): diffIDs of one image. */
export const MAX_LAYERS = 125;
/** layers.go maxTarSplit: one layer's tar-split.json.gz, compressed. */
export const MAX_TAR_SPLIT = 64 * 2 ** 20;
/** layers.go maxImageTarSplit: all of one image's tar-splits, compressed. */
export const MAX_IMAGE_TAR_SPLIT = 256 * 2 ** 20;
/** layers.go maxLayerSize: the largest `size` accepted (a petabyte). */
export const MAX_LAYER_SIZE = 2 ** 50;
/** tarsplit.go maxTarSplitEntries: entries (lines) of one tar-split. */
export const MAX_TAR_SPLIT_ENTRIES = 2 ** 22;
/** tarsplit.go maxTarSplitEntry: bytes of one entry (one line, newline included). */
export const MAX_TAR_SPLIT_ENTRY = 2 ** 20;
/** tarsplit.go maxTarSplitUnpacked: a tar-split's bytes once gunzipped. */
export const MAX_TAR_SPLIT_UNPACKED = 2 ** 30;

/** layers.go cacheIDPattern. */
export const CACHE_ID = /^[0-9a-f]{64}$/;
/** resolve.go validateSHA256: the one ID form the engine accepts for image IDs and diffIDs. */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** store.go graphDir, and the files below it. */
export const GRAPH_DIR = 'image/overlay2';
export const REPOSITORIES_JSON = `${GRAPH_DIR}/repositories.json`;

export function imageConfigPath(imageId: string): string {
  return `${GRAPH_DIR}/imagedb/content/sha256/${imageId.slice('sha256:'.length)}`;
}

/** layers.go layerDir. */
export function layerDir(chainId: string): string {
  return `${GRAPH_DIR}/layerdb/sha256/${chainId.slice('sha256:'.length)}`;
}

/** layers.go Layer.DiffRel. */
export function diffDir(cacheId: string): string {
  return `overlay2/${cacheId}/diff`;
}
