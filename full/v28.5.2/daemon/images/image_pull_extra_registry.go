package images

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/distribution/reference"
	"github.com/docker/distribution"
	"github.com/docker/distribution/manifest/manifestlist"
	"github.com/docker/distribution/manifest/ocischema"
	"github.com/docker/distribution/manifest/schema2"
	"github.com/docker/docker/api/types/registry"
	dist "github.com/docker/docker/distribution"
	"github.com/docker/docker/distribution/metadata"
	"github.com/docker/docker/image"
	"github.com/docker/docker/layer"
	"github.com/docker/docker/pkg/progress"
	"github.com/docker/docker/pkg/streamformatter"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// pullAssistedByRegistry serves NAME:TAG-extra when the store does not know
// the name: manifest and config come from the registry, every layer the store
// holds (by chainID) is linked, and the ordinary pull downloads the rest. The
// progress says which layers came from where.
func (i *ImageService) pullAssistedByRegistry(ctx context.Context, base reference.NamedTagged, extraRef reference.Named, platform *ocispec.Platform, metaHeaders map[string][]string, authConfig *registry.AuthConfig, outStream io.Writer) error {
	po := streamformatter.NewJSONProgressOutput(outStream, false)
	progress.Messagef(po, "", "%s: not in extra storage %s; asking the registry for its manifest", reference.FamiliarString(base), i.extraStorage.Path())
	layerDigests, img, repoName, err := i.fetchManifestAndConfig(ctx, base, platform, metaHeaders, authConfig)
	if err != nil {
		return fmt.Errorf("%s is not in the extra storage at %s, and its registry could not be asked: %w", reference.FamiliarString(base), i.extraStorage.Path(), err)
	}
	if err := checkExtraPlatform(img, platform); err != nil {
		return err
	}
	avail, err := i.extraStorage.AvailableLayers(img.RootFS.DiffIDs)
	if err != nil {
		return err
	}
	refs, err := i.linkExtraLayers(ctx, avail, po)
	defer func() {
		for _, l := range refs {
			layer.ReleaseAndLog(i.layerStore, l)
		}
	}()
	if err != nil {
		return err
	}
	// The pull finds linked layers by diffID only when it knows the blob's
	// diffID before downloading it: record blob digest → diffID.
	md := metadata.NewV2MetadataService(i.distributionMetadataStore)
	for k, l := range avail {
		if err := md.Add(l.DiffID, metadata.V2Metadata{Digest: layerDigests[k], SourceRepository: repoName}); err != nil {
			return err
		}
	}
	progress.Messagef(po, "", "%d of %d layers linked from extra storage; downloading %d from the registry", len(avail), len(layerDigests), len(layerDigests)-len(avail))
	if err := i.pullImageWithReference(ctx, base, platform, metaHeaders, authConfig, outStream); err != nil {
		return err
	}
	id, err := i.referenceStore.Get(base)
	if err != nil {
		return err
	}
	return i.referenceStore.AddTag(extraRef, id, true)
}

// fetchManifestAndConfig returns the layer blob digests and the verified
// config of base from its registry.
func (i *ImageService) fetchManifestAndConfig(ctx context.Context, base reference.NamedTagged, platform *ocispec.Platform, metaHeaders map[string][]string, authConfig *registry.AuthConfig) ([]digest.Digest, *image.Image, string, error) {
	repos, err := dist.GetRepositories(ctx, base, &dist.ImagePullConfig{Config: dist.Config{
		MetaHeaders: metaHeaders, AuthConfig: authConfig, RegistryService: i.registryService,
	}})
	if err != nil {
		return nil, nil, "", err
	}
	repo := repos[0]
	manifests, err := repo.Manifests(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	m, err := manifests.Get(ctx, "", distribution.WithTag(base.Tag()))
	if err != nil {
		return nil, nil, "", err
	}
	if list, ok := m.(*manifestlist.DeserializedManifestList); ok {
		if m, err = pickPlatform(ctx, manifests, list, platform); err != nil {
			return nil, nil, "", err
		}
	}
	var configDesc distribution.Descriptor
	var layerDescs []distribution.Descriptor
	switch mm := m.(type) {
	case *schema2.DeserializedManifest:
		configDesc, layerDescs = mm.Config, mm.Layers
	case *ocischema.DeserializedManifest:
		configDesc, layerDescs = mm.Config, mm.Layers
	default:
		return nil, nil, "", fmt.Errorf("extra storage: unsupported manifest type %T for %s", m, reference.FamiliarString(base))
	}
	data, err := repo.Blobs(ctx).Get(ctx, configDesc.Digest)
	if err != nil {
		return nil, nil, "", err
	}
	if digest.FromBytes(data) != configDesc.Digest {
		return nil, nil, "", fmt.Errorf("extra storage: config of %s does not match its digest %s", reference.FamiliarString(base), configDesc.Digest)
	}
	img, err := image.NewFromJSON(data)
	if err != nil {
		return nil, nil, "", err
	}
	if img.RootFS == nil || len(img.RootFS.DiffIDs) != len(layerDescs) {
		return nil, nil, "", errors.New("extra storage: manifest and config disagree on the number of layers")
	}
	digests := make([]digest.Digest, len(layerDescs))
	for k, d := range layerDescs {
		digests[k] = d.Digest
	}
	return digests, img, repo.Named().Name(), nil
}

func pickPlatform(ctx context.Context, manifests distribution.ManifestService, list *manifestlist.DeserializedManifestList, platform *ocispec.Platform) (distribution.Manifest, error) {
	want := ocispec.Platform{OS: "linux", Architecture: runtime.GOARCH}
	if platform != nil {
		want = *platform
	}
	for _, d := range list.Manifests {
		if d.Platform.OS == want.OS && d.Platform.Architecture == want.Architecture {
			return manifests.Get(ctx, d.Digest)
		}
	}
	return nil, fmt.Errorf("extra storage: no manifest for %s/%s in the list", want.OS, want.Architecture)
}
