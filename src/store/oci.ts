/**
 * An OCI image layout as the graphdriver image store loads it. On v28 (and v29 without the
 * containerd image store) `docker load` reads the docker-save `manifest.json` and nothing else; an
 * OCI layout (oci-layout, index.json, blobs/) has none. This writes the manifest.json the layout's
 * own index implies: for each image manifest (an index is followed to the host's platform), its
 * config and layer blobs, tagged with the name the index annotates (`io.containerd.image.name`, or
 * `org.opencontainers.image.ref.name` when that is a whole reference). Pure over a blob reader.
 */
import { parseNormalizedNamed, familiarName } from './reference.ts';

export interface DockerManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  platform?: { os?: string; architecture?: string };
  annotations?: Record<string, string>;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export class OciLayoutError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'OciLayoutError';
  }
}

/** blobs/sha256/<hex> of a checked digest. */
export function blobPath(digest: string): string {
  if (!DIGEST.test(digest)) throw new OciLayoutError(`${JSON.stringify(digest)} is not a sha256 digest`);
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

/** The familiar NAME:TAG an index entry's annotations give, if any. */
export function annotatedTag(annotations: Record<string, string> | undefined): string | undefined {
  for (const key of ['io.containerd.image.name', 'org.opencontainers.image.ref.name']) {
    const value = annotations?.[key];
    if (!value) continue;
    const ref = parseNormalizedNamed(value);
    if (typeof ref !== 'string' && ref.tag && !ref.digest && (key !== 'org.opencontainers.image.ref.name' || value.includes(':'))) return `${familiarName(ref.name)}:${ref.tag}`;
  }
  return undefined;
}

export async function manifestFromOci(readJson: (path: string) => Promise<unknown>, platform: { os: string; architecture: string }): Promise<DockerManifestEntry[]> {
  const index = (await readJson('index.json')) as { manifests?: Descriptor[] };
  if (!Array.isArray(index.manifests) || index.manifests.length === 0) throw new OciLayoutError('index.json lists no manifests');
  const out: DockerManifestEntry[] = [];
  for (const top of index.manifests) {
    const tag = annotatedTag(top.annotations);
    let desc = top;
    if (INDEX_TYPES.has(desc.mediaType ?? '')) {
      const inner = (await readJson(blobPath(desc.digest))) as { manifests?: Descriptor[] };
      const match = inner.manifests?.find((m) => m.platform?.os === platform.os && m.platform?.architecture === platform.architecture);
      if (!match) throw new OciLayoutError(`the index ${desc.digest} has no manifest for ${platform.os}/${platform.architecture}`);
      desc = match;
    }
    const manifest = (await readJson(blobPath(desc.digest))) as { config?: Descriptor; layers?: Descriptor[] };
    if (!manifest.config || !Array.isArray(manifest.layers)) throw new OciLayoutError(`the manifest ${desc.digest} has no config or no layers`);
    out.push({ Config: blobPath(manifest.config.digest), RepoTags: tag ? [tag] : [], Layers: manifest.layers.map((l) => blobPath(l.digest)) });
  }
  return out;
}

/** Node's process.arch in OCI's words. */
export function ociArchitecture(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch;
}
