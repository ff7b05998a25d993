package images

import (
	"github.com/moby/moby/v2/daemon/internal/image"
	"github.com/moby/moby/v2/daemon/internal/layer"
)

// linkGuard is the image store that ordinary pulls, loads, builds, commits
// and imports create images through. A layer linked from extra storage
// without content verification ("verify": "trusted") shares its chain ID
// with the genuine layer of that ID, so before an image is created on top
// of such a layer, the layer is hashed: a genuine image never silently runs
// a store's unverified files. Only NAME:TAG-extra pulls, which the
// administrator's verify setting governs, skip this check.
type linkGuard struct {
	image.Store
	layers layer.LinkVerifier
}

// guardLinkedLayers wraps is when ls can link layers from extra storage.
func guardLinkedLayers(is image.Store, ls layer.Store) image.Store {
	v, ok := ls.(layer.LinkVerifier)
	if !ok || is == nil {
		return is
	}
	return &linkGuard{Store: is, layers: v}
}

// Create verifies the layers of config's rootfs that were linked without
// verification, then creates the image.
func (g *linkGuard) Create(config []byte) (image.ID, error) {
	if img, err := image.NewFromJSON(config); err == nil && img.RootFS != nil && len(img.RootFS.DiffIDs) > 0 {
		if err := g.layers.VerifyLinked(img.RootFS.ChainID()); err != nil {
			return "", err
		}
	}
	return g.Store.Create(config)
}

// unguarded returns the image store under the guard, for extra pulls.
func unguarded(is image.Store) image.Store {
	if g, ok := is.(*linkGuard); ok {
		return g.Store
	}
	return is
}

// createWithLinkedLayers creates an image an extra pull linked.
func createWithLinkedLayers(is image.Store, config []byte) (image.ID, error) {
	return unguarded(is).Create(config)
}
