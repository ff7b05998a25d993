package snapshotpull

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/containerd/containerd/v2/core/content"
	c8dimages "github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/containerd/v2/plugins/content/local"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/daemon/extrastorage"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// registryImage writes a registry image's config and manifest to cs, and
// the blobs of the layers present; the others are absent, as when the
// snapshotter linked them instead of their download.
func registryImage(t *testing.T, cs content.Store, layers []string, present map[string]bool) c8dimages.Image {
	t.Helper()
	ctx := context.Background()
	write := func(mediaType string, data []byte) ocispec.Descriptor {
		desc := ocispec.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(data), Size: int64(len(data))}
		assert.NilError(t, content.WriteBlob(ctx, cs, desc.Digest.String(), bytes.NewReader(data), desc))
		return desc
	}
	m := ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Config: write(ocispec.MediaTypeImageConfig, []byte(`{"architecture":"amd64","os":"linux"}`))}
	m.SchemaVersion = 2
	for _, l := range layers {
		desc := ocispec.Descriptor{MediaType: ocispec.MediaTypeImageLayerGzip, Digest: digest.FromString(l), Size: int64(len(l))}
		if present[l] {
			desc = write(ocispec.MediaTypeImageLayerGzip, []byte(l))
		}
		m.Layers = append(m.Layers, desc)
	}
	b, err := json.Marshal(m)
	assert.NilError(t, err)
	return c8dimages.Image{Name: "registry.example/app:1", Target: write(ocispec.MediaTypeImageManifest, b)}
}

func TestProvideLayersRefusesARegistryImageItCannotSave(t *testing.T) {
	cases := []struct {
		name    string
		store   bool
		present map[string]bool
		wantErr string
	}{
		{name: "every layer downloaded", store: true, present: map[string]bool{"a": true, "b": true}},
		{name: "a layer linked from the store", store: true, present: map[string]bool{"a": true}, wantErr: "was linked from the extra storage at /srv/store instead of downloaded, so docker save cannot include it"},
		{name: "no extra storage: the save is the engine's own", present: map[string]bool{"a": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := local.NewStore(t.TempDir())
			assert.NilError(t, err)
			img := registryImage(t, cs, []string{"a", "b"}, tc.present)
			var store *extrastorage.Store
			if tc.store {
				store = extrastorage.New("/srv/store", true)
			}
			err = ProvideLayers(context.Background(), store, cs, img)
			if tc.wantErr == "" {
				assert.NilError(t, err)
				return
			}
			assert.Check(t, is.ErrorContains(err, tc.wantErr))
			assert.Check(t, is.ErrorContains(err, digest.FromString("b").String()))
			assert.Check(t, cerrdefs.IsUnavailable(err), "%v", err)
		})
	}
}
