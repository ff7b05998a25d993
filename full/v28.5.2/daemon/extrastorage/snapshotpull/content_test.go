package snapshotpull

import (
	"encoding/json"
	"testing"

	"github.com/docker/docker/daemon/extrastorage"
	"github.com/docker/docker/image"
	"github.com/docker/docker/layer"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func storeImage(diffs ...string) *extrastorage.Image {
	config := []byte(`{"architecture":"amd64","os":"linux"}`)
	img := &extrastorage.Image{
		ID:     digest.FromBytes(config),
		Config: config,
		Image:  &image.Image{V1Image: image.V1Image{OS: "linux", Architecture: "amd64"}},
	}
	var parent layer.ChainID
	for i, d := range diffs {
		diffID := layer.DiffID(digest.FromString(d))
		chainID := layer.ChainID(diffID)
		if parent != "" {
			chainID = layer.ChainID(digest.FromString(string(parent) + " " + string(diffID)))
		}
		img.Layers = append(img.Layers, extrastorage.Layer{DiffID: diffID, ChainID: chainID, TarSize: int64(1024 * (i + 1))})
		parent = chainID
	}
	return img
}

func TestContentFor(t *testing.T) {
	cases := []struct {
		name        string
		img         *extrastorage.Image
		snapshotter string
		wantErr     string
	}{
		{name: "one layer", img: storeImage("a"), snapshotter: "extra"},
		{name: "three layers", img: storeImage("a", "b", "c"), snapshotter: "store-snap"},
		{name: "no layers", img: storeImage(), snapshotter: "extra", wantErr: "has no layers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := contentFor(tc.img, tc.snapshotter)
			if tc.wantErr != "" {
				assert.Check(t, is.ErrorContains(err, tc.wantErr))
				return
			}
			assert.NilError(t, err)
			assert.Check(t, is.Equal(c.config.Digest, tc.img.ID))
			assert.Check(t, is.Equal(c.config.Size, int64(len(tc.img.Config))))
			assert.Check(t, is.Equal(c.manifest.Digest, digest.FromBytes(c.manifestBytes)))

			var m ocispec.Manifest
			assert.NilError(t, json.Unmarshal(c.manifestBytes, &m))
			assert.Check(t, is.Equal(m.MediaType, ocispec.MediaTypeImageManifest))
			assert.Check(t, is.Equal(m.Config.Digest, tc.img.ID))
			assert.Assert(t, is.Len(m.Layers, len(tc.img.Layers)))
			for i, l := range m.Layers {
				// Uncompressed, named by diffID, sized as the tar a save rebuilds.
				assert.Check(t, is.Equal(l.MediaType, ocispec.MediaTypeImageLayer))
				assert.Check(t, is.Equal(l.Digest, digest.Digest(tc.img.Layers[i].DiffID)))
				assert.Check(t, is.Equal(l.Size, tc.img.Layers[i].TarSize))
			}

			// The collector keeps the config through the manifest and the
			// top snapshot through the config; the layer blobs are absent, so
			// nothing refers to them.
			top := tc.img.Layers[len(tc.img.Layers)-1].ChainID
			assert.Check(t, is.DeepEqual(c.configLabels, map[string]string{"containerd.io/gc.ref.snapshot." + tc.snapshotter: string(top)}))
			assert.Check(t, is.DeepEqual(c.manifestLabels, map[string]string{"containerd.io/gc.ref.content.config": tc.img.ID.String()}))

			// The same store image is the same image ID on every host.
			again, err := contentFor(tc.img, tc.snapshotter)
			assert.NilError(t, err)
			assert.Check(t, is.Equal(again.manifest.Digest, c.manifest.Digest))
		})
	}
}

func TestSnapshotLabels(t *testing.T) {
	img := storeImage("a", "b")
	base, top := img.Layers[0], img.Layers[1]
	assert.Check(t, is.DeepEqual(snapshotLabels(base, extrastorage.Layer{}, false), map[string]string{
		"containerd.io/snapshot.ref":                string(base.ChainID),
		"containerd.io/snapshot/diff-id":            string(base.DiffID),
		"containerd.io/snapshot/extra.require-link": "true",
	}))
	assert.Check(t, is.DeepEqual(snapshotLabels(top, base, true), map[string]string{
		"containerd.io/snapshot.ref":                string(top.ChainID),
		"containerd.io/snapshot/diff-id":            string(top.DiffID),
		"containerd.io/snapshot/parent-chain-id":    string(base.ChainID),
		"containerd.io/snapshot/extra.require-link": "true",
	}))
}
