/** An OCI layout turned into the manifest.json the graphdriver image store loads. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { annotatedTag, manifestFromOci, OciLayoutError } from '../../src/store/oci.ts';
import { failureOf } from '../helpers.ts';

const Oci = suite('store/oci: an OCI layout as the graphdriver image store loads it');
const hex = (c: string) => c.repeat(64);

Oci('the tag from the index annotations: a whole reference, familiar; a bare ref.name tag names nothing', () => {
  assert.is(annotatedTag({ 'io.containerd.image.name': 'docker.io/library/busybox:1.36', 'org.opencontainers.image.ref.name': '1.36' }), 'busybox:1.36');
  assert.is(annotatedTag({ 'org.opencontainers.image.ref.name': 'registry.example/me/app:2' }), 'registry.example/me/app:2');
  assert.is(annotatedTag({ 'org.opencontainers.image.ref.name': '2' }), undefined);
  assert.is(annotatedTag(undefined), undefined);
});

Oci('manifest.json from index.json: config and layer blobs, a nested index followed to the host platform', async () => {
  const blobs: Record<string, unknown> = {
    'index.json': { manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${hex('1')}`, annotations: { 'io.containerd.image.name': 'me/app:1' } }] },
    [`blobs/sha256/${hex('1')}`]: { manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex('2')}`, platform: { os: 'linux', architecture: 'arm64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex('3')}`, platform: { os: 'linux', architecture: 'amd64' } },
    ] },
    [`blobs/sha256/${hex('3')}`]: { config: { digest: `sha256:${hex('c')}` }, layers: [{ digest: `sha256:${hex('a')}` }, { digest: `sha256:${hex('b')}` }] },
  };
  const read = async (p: string) => blobs[p] ?? Promise.reject(new OciLayoutError(`${p} missing`));
  assert.equal(await manifestFromOci(read, { os: 'linux', architecture: 'amd64' }), [
    { Config: `blobs/sha256/${hex('c')}`, RepoTags: ['me/app:1'], Layers: [`blobs/sha256/${hex('a')}`, `blobs/sha256/${hex('b')}`] },
  ]);
  const other = await failureOf(manifestFromOci(read, { os: 'linux', architecture: 's390x' }));
  assert.instance(other, OciLayoutError);
  assert.match((other as OciLayoutError).reason, /no manifest for linux\/s390x/);
});

Oci('a digest that is no sha256 digest is refused before it becomes a path', async () => {
  const read = async (p: string) => (p === 'index.json' ? { manifests: [{ digest: 'sha256:../../etc/passwd' }] } : {});
  assert.instance(await failureOf(manifestFromOci(read, { os: 'linux', architecture: 'amd64' })), OciLayoutError);
});

Oci.run();
