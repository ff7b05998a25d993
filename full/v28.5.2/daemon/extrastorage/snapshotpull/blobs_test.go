package snapshotpull

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/core/content"
	c8dimages "github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/containerd/containerd/v2/plugins/content/local"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/containerd/platforms"
	"github.com/docker/docker/daemon/extrastorage"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
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

// createdSnapshotter knows when each snapshot was made.
type createdSnapshotter struct {
	snapshots.Snapshotter // methods CountFetched must not call panic
	created               map[string]time.Time
}

func (s createdSnapshotter) Stat(_ context.Context, key string) (snapshots.Info, error) {
	if c, ok := s.created[key]; ok {
		return snapshots.Info{Name: key, Kind: snapshots.KindCommitted, Created: c}, nil
	}
	return snapshots.Info{}, cerrdefs.ErrNotFound
}

func TestCountFetched(t *testing.T) {
	diffIDs := []digest.Digest{digest.FromString("diff-a"), digest.FromString("diff-b")}
	chains := identity.ChainIDs(slices.Clone(diffIDs)) // it overwrites its argument
	ctx := context.Background()
	cases := []struct {
		name       string
		blobs      []string // written before the pull; "late" ones after it began
		late       []string
		snapshots  map[int]bool // layer index → snapshot made before the pull (false: during it)
		want       Fetched
		wantLinked []string // by the pull
		wantAll    []string // linked, by it or before
		wantErr    string
	}{
		{name: "every layer downloaded by the pull", late: []string{"a", "b"}, want: Fetched{Downloaded: 2}},
		{name: "every layer on the host before", blobs: []string{"a", "b"}, want: Fetched{Present: 2}},
		{name: "the store's layers linked by the pull", snapshots: map[int]bool{0: false, 1: false}, wantLinked: []string{"a", "b"}, wantAll: []string{"a", "b"}},
		{name: "a layer linked by an earlier pull, one downloaded now", late: []string{"b"}, snapshots: map[int]bool{0: true}, want: Fetched{Present: 1, Downloaded: 1}, wantAll: []string{"a"}},
		{name: "a layer neither downloaded nor linked", blobs: []string{"a"}, wantErr: "has neither its blob nor its snapshot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := local.NewStore(t.TempDir())
			assert.NilError(t, err)
			write := func(mediaType string, data []byte) ocispec.Descriptor {
				desc := ocispec.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(data), Size: int64(len(data))}
				assert.NilError(t, content.WriteBlob(ctx, cs, desc.Digest.String(), bytes.NewReader(data), desc))
				return desc
			}
			layer := func(l string) ocispec.Descriptor {
				return ocispec.Descriptor{MediaType: ocispec.MediaTypeImageLayerGzip, Digest: digest.FromBytes([]byte(l)), Size: int64(len(l))}
			}
			for _, l := range tc.blobs {
				write(ocispec.MediaTypeImageLayerGzip, []byte(l))
			}
			config, err := json.Marshal(ocispec.Image{Platform: ocispec.Platform{Architecture: "amd64", OS: "linux"}, RootFS: ocispec.RootFS{Type: "layers", DiffIDs: diffIDs}})
			assert.NilError(t, err)
			m := ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Config: write(ocispec.MediaTypeImageConfig, config), Layers: []ocispec.Descriptor{layer("a"), layer("b")}}
			m.SchemaVersion = 2
			b, err := json.Marshal(m)
			assert.NilError(t, err)
			target := write(ocispec.MediaTypeImageManifest, b)

			time.Sleep(10 * time.Millisecond)
			since := time.Now()
			time.Sleep(10 * time.Millisecond)
			for _, l := range tc.late {
				write(ocispec.MediaTypeImageLayerGzip, []byte(l))
			}
			sn := createdSnapshotter{created: map[string]time.Time{}}
			for i, before := range tc.snapshots {
				sn.created[chains[i].String()] = map[bool]time.Time{true: since.Add(-time.Minute), false: since.Add(time.Millisecond)}[before]
			}

			got, err := CountFetched(ctx, cs, sn, target, platforms.All, since)
			if tc.wantErr != "" {
				assert.Check(t, is.ErrorContains(err, tc.wantErr))
				return
			}
			assert.NilError(t, err)
			names := func(descs []ocispec.Descriptor) []string {
				var n []string
				for _, d := range descs {
					n = append(n, map[digest.Digest]string{layer("a").Digest: "a", layer("b").Digest: "b"}[d.Digest])
				}
				return n
			}
			assert.Check(t, is.DeepEqual(names(got.LinkedNow), tc.wantLinked))
			assert.Check(t, is.DeepEqual(names(got.Linked), tc.wantAll))
			assert.Check(t, is.Equal(got.Downloaded, tc.want.Downloaded))
			assert.Check(t, is.Equal(got.Present, tc.want.Present))
		})
	}
}
