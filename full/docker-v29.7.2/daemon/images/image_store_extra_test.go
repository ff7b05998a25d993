package images

import (
	"errors"
	"testing"

	"github.com/moby/moby/v2/daemon/internal/image"
	"github.com/moby/moby/v2/daemon/internal/layer"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

type fakeImageStore struct {
	image.Store
	created int
}

func (f *fakeImageStore) Create(config []byte) (image.ID, error) {
	f.created++
	return image.ID("sha256:" + string(rune('0'+f.created))), nil
}

type fakeLayerStore struct {
	layer.Store
	verified []layer.ChainID
	fail     error
}

func (f *fakeLayerStore) VerifyLinked(chainID layer.ChainID) error {
	f.verified = append(f.verified, chainID)
	return f.fail
}

// TestLinkGuardVerifiesBeforeOrdinaryCreates: an ordinary path creating an
// image checks the unverified links of its chain first, and creates nothing
// when one does not match; an extra pull creates without the check.
func TestLinkGuardVerifiesBeforeOrdinaryCreates(t *testing.T) {
	config := []byte(`{"rootfs":{"type":"layers","diff_ids":["sha256:` + string(hexDigest("a"))[7:] + `"]}}`)
	mismatch := errors.New("refusing layer")
	cases := []struct {
		name        string
		fail        error
		extraPull   bool
		wantCreated int
		wantChecked int
	}{
		{name: "ordinary create, layers match", wantCreated: 1, wantChecked: 1},
		{name: "ordinary create, a link does not match", fail: mismatch, wantCreated: 0, wantChecked: 1},
		{name: "extra pull", fail: mismatch, extraPull: true, wantCreated: 1, wantChecked: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			images := &fakeImageStore{}
			layers := &fakeLayerStore{fail: tc.fail}
			guarded := guardLinkedLayers(images, layers)
			var err error
			if tc.extraPull {
				_, err = createWithLinkedLayers(guarded, config)
			} else {
				_, err = guarded.Create(config)
			}
			if tc.fail != nil && !tc.extraPull {
				assert.Check(t, errors.Is(err, mismatch))
			} else {
				assert.NilError(t, err)
			}
			assert.Check(t, is.Equal(images.created, tc.wantCreated))
			assert.Check(t, is.Len(layers.verified, tc.wantChecked))
		})
	}
}
