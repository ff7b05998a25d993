package layer

import (
	"errors"
	"testing"

	"github.com/docker/docker/daemon/extrastorage/origin"
	"github.com/opencontainers/go-digest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// originRecorder is a linkingDriver that keeps each link's origin and adds
// image names to it, as overlay2 does.
type originRecorder struct {
	*linkingDriver
	origins map[string]origin.Layer
	gone    error // what CheckLinked says of every layer
}

func (d *originRecorder) CheckLinked(id string) error {
	return d.gone
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

// TestRegisterExternalRefusesToReuseAVanishedLink: a pull reusing a linked
// layer whose directory the store removed fails naming it, and gives back
// the reference it took.
func TestRegisterExternalRefusesToReuseAVanishedLink(t *testing.T) {
	ls, drv, _ := newLinkingStore(t)
	recorder := &originRecorder{linkingDriver: drv, origins: map[string]origin.Layer{}}
	ls.driver = recorder
	src, _ := externalLayer(t, map[string]string{"a": "alpha"})
	l, err := ls.RegisterExternal(src, "")
	assert.NilError(t, err)
	recorder.gone = &origin.ChangedError{Problem: origin.Vanished}

	_, err = ls.RegisterExternal(src, "")
	var changed *origin.ChangedError
	assert.Check(t, errors.As(err, &changed))
	_, err = ls.Release(l)
	assert.NilError(t, err)
	assert.Check(t, is.Len(ls.Map(), 0), "the refused reuse took no reference")
}

func TestLinkOriginOfALayerNotLinked(t *testing.T) {
	ls, _, _ := newLinkingStore(t)
	_, ok := ls.LinkOrigin("sha256:" + ChainID(digest.FromString("x").Encoded()))
	assert.Check(t, !ok)
}
