package images

import (
	"context"

	"github.com/docker/docker/daemon/extrastorage/extrametrics"
	"github.com/docker/docker/image"
	"github.com/docker/docker/layer"
)

// countFetched tells the tally in ctx how many of the layers in diffIDs
// past the first linked a registry-assisted pull downloaded, once it has:
// those not on the host before it. Call it before the pull, and the
// returned func after it succeeds.
func (i *ImageService) countFetched(ctx context.Context, diffIDs []layer.DiffID, linked int) func() {
	absent := 0
	for k := linked; k < len(diffIDs); k++ {
		chain := image.RootFS{Type: image.TypeLayers, DiffIDs: diffIDs[:k+1]}
		if l, err := i.layerStore.Get(chain.ChainID()); err == nil {
			layer.ReleaseAndLog(i.layerStore, l)
			continue
		}
		absent++
	}
	return func() { extrametrics.Of(ctx).Fetched(absent, len(diffIDs)-linked-absent) }
}
