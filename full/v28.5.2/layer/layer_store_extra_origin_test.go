package layer

import (
	"testing"

	"github.com/docker/docker/daemon/extrastorage/origin"
	"github.com/opencontainers/go-digest"
	"gotest.tools/v3/assert"
)

// originRecorder is a linkingDriver that keeps each link's origin and adds
// image names to it, as overlay2 does.
type originRecorder struct {
	*linkingDriver
	origins map[string]origin.Layer
}

func (d *originRecorder) CreateFromExternalDiff(id, parent, root, rel string, o origin.Layer) (origin.Layer, error) {
	o, err := d.linkingDriver.CreateFromExternalDiff(id, parent, root, rel, o)
	d.origins[id] = o
	return o, err
}

func (d *originRecorder) AddLinkedImage(id, ref string) (origin.Layer, bool, error) {
	o, added := d.origins[id].WithImage(ref)
	d.origins[id] = o
	return o, added, nil
}

// TestRegisterExternalRecordsTheOrigin: a linked layer's metadata says which
// store generation it came from, what the driver saw of its directory, and
// which images were pulled with it, including those that reused it later.
func TestRegisterExternalRecordsTheOrigin(t *testing.T) {
	tests := []struct {
		name       string
		generation string
		reuseAs    string
		wantImages []string
	}{
		{name: "store with generations", generation: "3-20261206T170000Z", wantImages: []string{"app:1-extra"}},
		{name: "reused by a second image", generation: "none", reuseAs: "app:2-extra", wantImages: []string{"app:1-extra", "app:2-extra"}},
		{name: "reused by the same image", generation: "none", reuseAs: "app:1-extra", wantImages: []string{"app:1-extra"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ls, drv, _ := newLinkingStore(t)
			ls.driver = &originRecorder{linkingDriver: drv, origins: map[string]origin.Layer{}}
			src, _ := externalLayer(t, map[string]string{"a": "alpha"})
			src.Generation, src.Image = tc.generation, "app:1-extra"
			l, err := ls.RegisterExternal(src, "")
			assert.NilError(t, err)
			if tc.reuseAs != "" {
				src.Image = tc.reuseAs
				_, err := ls.RegisterExternal(src, "")
				assert.NilError(t, err)
			}

			o, ok := ls.LinkOrigin(l.ChainID())
			assert.Assert(t, ok)
			assert.Equal(t, o.ChainID, digest.Digest(l.ChainID()).String())
			assert.Equal(t, o.DiffID, digest.Digest(src.DiffID).String())
			assert.Equal(t, o.Generation, tc.generation)
			assert.Equal(t, o.Identity, "test-identity")
			assert.DeepEqual(t, o.Images, tc.wantImages)
		})
	}
}

func TestLinkOriginOfALayerNotLinked(t *testing.T) {
	ls, _, _ := newLinkingStore(t)
	_, ok := ls.LinkOrigin("sha256:" + ChainID(digest.FromString("x").Encoded()))
	assert.Check(t, !ok)
}
