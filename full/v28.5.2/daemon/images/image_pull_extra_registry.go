package images

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/containerd/containerd/v2/core/content"
	"github.com/containerd/containerd/v2/core/remotes"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	"github.com/containerd/log"
	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/docker/distribution"
	"github.com/docker/distribution/manifest/manifestlist"
	"github.com/docker/distribution/manifest/ocischema"
	"github.com/docker/distribution/manifest/schema2"
	"github.com/docker/docker/api/types/registry"
	"github.com/docker/docker/daemon/extrastorage"
	"github.com/docker/docker/daemon/extrastorage/extrametrics"
	dist "github.com/docker/docker/distribution"
	"github.com/docker/docker/distribution/metadata"
	progressutils "github.com/docker/docker/distribution/utils"
	"github.com/docker/docker/image"
	"github.com/docker/docker/pkg/progress"
	"github.com/docker/docker/pkg/streamformatter"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// registryImage is what the registry says of a tag, checked: the manifest
// digest the pull is pinned to, each layer's blob digest and the config.
type registryImage struct {
	pinned reference.Canonical
	blobs  []digest.Digest
	config *image.Image
}

// pullAssistedByRegistry serves NAME:TAG-extra when the store does not know
// the name: manifest and config come from the registry, every layer the store
// holds (by chainID) is linked, and an ordinary pull pinned to the same
// manifest downloads the rest. The pairing of a linked layer's blob with its
// diffID was never proven by a download, so it is told to that one pull only
// and never recorded.
func (i *ImageService) pullAssistedByRegistry(ctx context.Context, base reference.NamedTagged, extraRef reference.Named, platform *ocispec.Platform, metaHeaders map[string][]string, authConfig *registry.AuthConfig, outStream io.Writer) error {
	extrametrics.Of(ctx).Assisted()
	po := streamformatter.NewJSONProgressOutput(outStream, false)
	progress.Messagef(po, "", "%s: not in extra storage %s; asking the registry for its manifest", reference.FamiliarString(base), i.extraStorage.Path())
	cfg := &dist.ImagePullConfig{Config: dist.Config{MetaHeaders: metaHeaders, AuthConfig: authConfig, RegistryService: i.registryService}}
	// One lease from the manifest fetch to the end of the pinned pull, so the
	// manifest kept in the content store is there when that pull looks for it.
	ctx = namespaces.WithNamespace(ctx, i.contentNamespace)
	ctx, done, err := tempLease(ctx, i.leases)
	if err != nil {
		return err
	}
	defer done(context.WithoutCancel(ctx))
	ri, err := i.fetchRegistryImage(ctx, base, platform, cfg)
	if err != nil {
		return fmt.Errorf("%s is not in the extra storage at %s, and its registry could not be asked: %w", reference.FamiliarString(base), i.extraStorage.Path(), err)
	}
	if err := extrastorage.CheckPlatform(ri.config, platform); err != nil {
		return err
	}
	avail, err := i.extraStorage.LookupLayers(ctx, ri.config.RootFS.DiffIDs)
	if err != nil {
		return err
	}
	refs, err := i.linkExtraLayers(ctx, avail, reference.FamiliarString(extraRef), po)
	defer i.releaseLayers(refs)
	if err != nil {
		return err
	}
	told := memMetadata{}
	for k, l := range avail {
		if err := metadata.NewV2MetadataService(told).Add(l.DiffID, metadata.V2Metadata{Digest: ri.blobs[k], SourceRepository: ri.pinned.Name()}); err != nil {
			return err
		}
	}
	progress.Messagef(po, "", "%d of %d layers linked from extra storage; downloading %d from the registry", len(avail), len(ri.blobs), len(ri.blobs)-len(avail))
	fetched := i.countFetched(ctx, ri.config.RootFS.DiffIDs, len(avail))
	if err := i.pullPinned(ctx, ri.pinned, platform, cfg, told, outStream); err != nil {
		return err
	}
	fetched()
	id, err := i.referenceStore.Get(ri.pinned)
	if err != nil {
		return err
	}
	for _, ref := range []reference.Named{base, extraRef} {
		if err := i.referenceStore.AddTag(ref, id, true); err != nil {
			return err
		}
	}
	return nil
}

// pullPinned runs the ordinary pull of ref (a digest) with the blob→diffID
// pairs in told visible to it alone, creating the image without the check
// on unverified links (the extra pull's own verify setting governs those).
// ctx carries the content namespace and the lease of the whole extra pull.
func (i *ImageService) pullPinned(ctx context.Context, ref reference.Canonical, platform *ocispec.Platform, cfg *dist.ImagePullConfig, told metadata.Store, outStream io.Writer) error {
	progressChan := make(chan progress.Progress, 100)
	writesDone := make(chan struct{})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		progressutils.WriteDistributionProgress(cancel, outStream, progressChan)
		close(writesDone)
	}()
	cs := &contentStoreForPull{ContentStore: i.content, leases: i.leases}
	pull := *cfg
	pull.ProgressOutput = progress.ChanOutput(progressChan)
	pull.ImageEventLogger = i.LogImageEvent
	pull.MetadataStore = &toldFirst{Store: i.distributionMetadataStore, told: told}
	pull.ImageStore = &imageStoreForPull{ImageConfigStore: dist.NewImageConfigStoreFromStore(unguarded(i.imageStore)), ingested: cs, leases: i.leases}
	pull.ReferenceStore = i.referenceStore
	pull.DownloadManager = i.downloadManager
	pull.Platform = platform
	err := dist.Pull(ctx, ref, &pull, cs)
	close(progressChan)
	<-writesDone
	return err
}

// memMetadata is a metadata store kept in memory for one pull.
type memMetadata map[string][]byte

func (m memMetadata) Get(namespace, key string) ([]byte, error) {
	v, ok := m[namespace+"/"+key]
	if !ok {
		return nil, os.ErrNotExist
	}
	return v, nil
}

func (m memMetadata) Set(namespace, key string, value []byte) error {
	m[namespace+"/"+key] = value
	return nil
}

func (m memMetadata) Delete(namespace, key string) error {
	delete(m, namespace+"/"+key)
	return nil
}

// toldFirst answers reads from told before the daemon's metadata store.
// Writes to a key told holds stay in told: the pull records a layer it
// found present ("Already exists") under the pair it was told, and that
// pair was never proven by a download. Every other write (what the pull
// downloads and verifies) goes to the daemon's store.
type toldFirst struct {
	metadata.Store
	told metadata.Store
}

func (t *toldFirst) Get(namespace, key string) ([]byte, error) {
	if v, err := t.told.Get(namespace, key); err == nil {
		return v, nil
	}
	return t.Store.Get(namespace, key)
}

func (t *toldFirst) Set(namespace, key string, value []byte) error {
	if _, err := t.told.Get(namespace, key); err == nil {
		return t.told.Set(namespace, key, value)
	}
	return t.Store.Set(namespace, key, value)
}

func (t *toldFirst) Delete(namespace, key string) error {
	if _, err := t.told.Get(namespace, key); err == nil {
		return t.told.Delete(namespace, key)
	}
	return t.Store.Delete(namespace, key)
}

// fetchRegistryImage fetches the manifest of base for the platform and its
// config, and checks them against each other layer by layer.
func (i *ImageService) fetchRegistryImage(ctx context.Context, base reference.NamedTagged, platform *ocispec.Platform, cfg *dist.ImagePullConfig) (*registryImage, error) {
	repos, err := dist.GetRepositories(ctx, base, cfg)
	if err != nil {
		return nil, err
	}
	repo := repos[0]
	manifests, err := repo.Manifests(ctx)
	if err != nil {
		return nil, err
	}
	m, err := manifests.Get(ctx, "", distribution.WithTag(base.Tag()))
	if err != nil {
		return nil, err
	}
	_, payload, err := m.Payload()
	if err != nil {
		return nil, err
	}
	manifestDigest := digest.FromBytes(payload)
	if list, ok := m.(*manifestlist.DeserializedManifestList); ok {
		if manifestDigest, err = pickPlatform(list, platform); err != nil {
			return nil, err
		}
		if m, err = manifests.Get(ctx, manifestDigest); err != nil {
			return nil, err
		}
	}
	if err := i.keepManifest(ctx, base, m, manifestDigest); err != nil {
		log.G(ctx).WithError(err).WithField("digest", manifestDigest).Warn("extra storage: manifest not kept for the pinned pull, which will fetch it again")
	}
	var configDesc distribution.Descriptor
	var layerDescs []distribution.Descriptor
	switch mm := m.(type) {
	case *schema2.DeserializedManifest:
		configDesc, layerDescs = mm.Config, mm.Layers
	case *ocischema.DeserializedManifest:
		configDesc, layerDescs = mm.Config, mm.Layers
	default:
		return nil, fmt.Errorf("extra storage: unsupported manifest type %T for %s", m, reference.FamiliarString(base))
	}
	data, err := repo.Blobs(ctx).Get(ctx, configDesc.Digest)
	if err != nil {
		return nil, err
	}
	if digest.FromBytes(data) != configDesc.Digest {
		return nil, fmt.Errorf("extra storage: config of %s does not match its digest %s", reference.FamiliarString(base), configDesc.Digest)
	}
	img, err := image.NewFromJSON(data)
	if err != nil {
		return nil, err
	}
	md := metadata.NewV2MetadataService(i.distributionMetadataStore)
	blobs, err := checkRegistryLayers(img, layerDescs, md)
	if err != nil {
		return nil, fmt.Errorf("extra storage: %s: %w", reference.FamiliarString(base), err)
	}
	pinned, err := reference.WithDigest(reference.TrimNamed(base), manifestDigest)
	if err != nil {
		return nil, err
	}
	return &registryImage{pinned: pinned, blobs: blobs, config: img}, nil
}

// keepManifest puts the platform manifest fetched here into the content store,
// labelled as seen in repo, where the pinned pull's manifest store looks
// first: the registry is asked for the manifest once, not once more by the
// pull. The content store checks the bytes against dgst on commit.
func (i *ImageService) keepManifest(ctx context.Context, repo reference.Named, m distribution.Manifest, dgst digest.Digest) error {
	mediaType, payload, err := m.Payload()
	if err != nil {
		return err
	}
	desc := ocispec.Descriptor{MediaType: mediaType, Digest: dgst, Size: int64(len(payload))}
	labels := map[string]string{distributionSourceLabel + "." + reference.Domain(repo): reference.Path(repo)}
	return content.WriteBlob(ctx, i.content, remotes.MakeRefKey(ctx, desc), bytes.NewReader(payload), desc, content.WithLabels(labels))
}

// distributionSourceLabel is containerd's label, which the pull's manifest
// store reads to know a manifest was seen in a repository.
const distributionSourceLabel = "containerd.io/distribution.source"

// layerMediaTypes are the manifest layer types a pull can register.
var layerMediaTypes = map[string]bool{
	schema2.MediaTypeLayer:                      true,
	schema2.MediaTypeUncompressedLayer:          true,
	ocispec.MediaTypeImageLayer:                 true,
	ocispec.MediaTypeImageLayerGzip:             true,
	ocispec.MediaTypeImageLayerZstd:             true,
	schema2.MediaTypeForeignLayer:               false,
	ocispec.MediaTypeImageLayerNonDistributable: false, //nolint:staticcheck // named to be refused
}

// checkRegistryLayers pairs each manifest layer with the config's diffID at
// the same index, refusing anything but a sha256 blob of a layer media type
// and a pairing that contradicts one this host proved by a download.
func checkRegistryLayers(img *image.Image, descs []distribution.Descriptor, md metadata.V2MetadataService) ([]digest.Digest, error) {
	if img.RootFS == nil || len(img.RootFS.DiffIDs) != len(descs) {
		return nil, fmt.Errorf("manifest and config disagree on the number of layers")
	}
	if err := extrastorage.ValidateDiffIDs(img.RootFS.DiffIDs); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	blobs := make([]digest.Digest, len(descs))
	for k, d := range descs {
		if !layerMediaTypes[d.MediaType] {
			return nil, fmt.Errorf("manifest layer %d has media type %q, which extra storage does not link", k, d.MediaType)
		}
		if err := d.Digest.Validate(); err != nil || d.Digest.Algorithm() != digest.SHA256 {
			return nil, fmt.Errorf("manifest layer %d: %q is not a sha256 digest", k, d.Digest)
		}
		if known, err := md.GetDiffID(d.Digest); err == nil && known != img.RootFS.DiffIDs[k] {
			return nil, fmt.Errorf("manifest layer %d (%s) is %s by an earlier download, not the config's %s", k, d.Digest, known, img.RootFS.DiffIDs[k])
		}
		blobs[k] = d.Digest
	}
	return blobs, nil
}

// pickPlatform chooses the list entry for the platform asked for (or the
// host's), variant included, as the ordinary pull does.
func pickPlatform(list *manifestlist.DeserializedManifestList, platform *ocispec.Platform) (digest.Digest, error) {
	want := platforms.DefaultSpec()
	if platform != nil {
		want = *platform
	}
	match := platforms.Only(want)
	var best *manifestlist.ManifestDescriptor
	for k := range list.Manifests {
		d := &list.Manifests[k]
		have := ocispec.Platform{OS: d.Platform.OS, Architecture: d.Platform.Architecture, Variant: d.Platform.Variant, OSVersion: d.Platform.OSVersion}
		if !match.Match(have) {
			continue
		}
		if best == nil || match.Less(have, ocispec.Platform{OS: best.Platform.OS, Architecture: best.Platform.Architecture, Variant: best.Platform.Variant}) {
			best = d
		}
	}
	if best == nil {
		return "", fmt.Errorf("extra storage: no manifest for %s in the list", platforms.FormatAll(want))
	}
	return best.Digest, nil
}
