package layer

import (
	"context"
	"encoding/json"
	"os"

	"github.com/containerd/log"
	"github.com/docker/docker/daemon/extrastorage/origin"
)

// linkedImageAdder is implemented by graphdrivers that record the images
// pulled with a linked layer, to name them when a mount is refused.
type linkedImageAdder interface {
	AddLinkedImage(id, ref string) (origin.Layer, bool, error)
}

// linkedChecker is implemented by graphdrivers that check a linked layer's
// directory is still the one linked.
type linkedChecker interface {
	CheckLinked(id string) error
}

// checkReused refuses to reuse a linked layer whose directory the store
// removed or replaced since it was linked: the image being pulled would
// not start.
func (ls *layerStore) checkReused(l *roLayer) error {
	if d, ok := ls.driver.(linkedChecker); ok {
		return d.CheckLinked(l.cacheID)
	}
	return nil
}

// recordImage adds ref to the images of l, a layer reused by a pull, in the
// driver's record and in the layer's origin.File. The names only make a
// refusal clearer, so a failure is logged, never the pull's failure; the
// file is replaced whole and made durable by the pull's SyncLinked.
func (ls *layerStore) recordImage(l *roLayer, ref string) {
	d, ok := ls.driver.(linkedImageAdder)
	if !ok || ref == "" {
		return
	}
	o, added, err := d.AddLinkedImage(l.cacheID, ref)
	if err == nil && added {
		err = ls.writeOrigin(l.chainID, o)
	}
	if err != nil {
		log.G(context.TODO()).WithFields(log.Fields{"chain-id": l.chainID, "image": ref, "error": err}).Warn("extra storage: cannot record the image of a linked layer")
	}
}

// writeOrigin replaces chainID's origin.File, never half written.
func (ls *layerStore) writeOrigin(chainID ChainID, o origin.Layer) error {
	data, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return origin.WriteWhole(ls.store.getLayerFilename(chainID, origin.File), data)
}

// LinkOrigin returns what was recorded at pull time about linked layer
// chainID (origin.File); false for a layer that is not linked or was linked
// before origins were recorded.
func (ls *layerStore) LinkOrigin(chainID ChainID) (origin.Layer, bool) {
	var o origin.Layer
	data, err := os.ReadFile(ls.store.getLayerFilename(chainID, origin.File))
	if err != nil || json.Unmarshal(data, &o) != nil {
		return origin.Layer{}, false
	}
	return o, true
}
