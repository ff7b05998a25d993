package layer

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/containerd/log"
	"github.com/docker/docker/pkg/stringid"
)

// ExternalLayer is an unpacked layer kept outside the layer store (in the
// extra storage), which the store links to instead of copying.
type ExternalLayer struct {
	DiffID   DiffID
	Size     int64
	DiffDir  string    // absolute path of the unpacked layer; never written
	TarSplit io.Reader // gzip-compressed tar-split, stored verbatim
}

// ExternalRegisterer is implemented by layer stores that can register a
// layer from an ExternalLayer without copying its data.
type ExternalRegisterer interface {
	RegisterExternal(src ExternalLayer, parent ChainID) (Layer, error)
}

// externalDiffDriver is implemented by graphdrivers (overlay2) that can
// create a layer whose diff directory is an external directory.
type externalDiffDriver interface {
	CreateFromExternalDiff(id, parent, diffDir string) error
}

// RegisterExternal registers src on top of parent with a fresh cache-id.
// An existing layer with the same chainID is reused. On failure the driver
// directory and the metadata transaction are removed.
func (ls *layerStore) RegisterExternal(src ExternalLayer, parent ChainID) (_ Layer, retErr error) {
	drv, ok := ls.driver.(externalDiffDriver)
	if !ok {
		return nil, fmt.Errorf("storage driver %s cannot link layers from extra storage; use overlay2", ls.driver)
	}
	chainID := ChainID(src.DiffID)
	if parent != "" {
		chainID = createChainIDFromParent(parent, src.DiffID)
	}
	ls.layerL.Lock()
	existing := ls.get(chainID)
	ls.layerL.Unlock()
	if existing != nil {
		return existing.getReference(), nil
	}

	// discard is set when another registration won the race: clean up as on
	// error, but return the winner.
	var discard bool
	var p *roLayer
	var pid string
	if parent != "" {
		ls.layerL.Lock()
		p = ls.get(parent)
		ls.layerL.Unlock()
		if p == nil {
			return nil, ErrLayerDoesNotExist
		}
		defer func() {
			if retErr != nil || discard {
				ls.layerL.Lock()
				ls.releaseLayer(p)
				ls.layerL.Unlock()
			}
		}()
		if p.depth() >= maxLayerDepth {
			return nil, ErrMaxDepthExceeded
		}
		pid = p.cacheID
	}

	l := &roLayer{
		chainID:        chainID,
		diffID:         src.DiffID,
		size:           src.Size,
		parent:         p,
		cacheID:        stringid.GenerateRandomID(),
		referenceCount: 1,
		layerStore:     ls,
		references:     map[Layer]struct{}{},
	}
	if err := drv.CreateFromExternalDiff(l.cacheID, pid, src.DiffDir); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil || discard {
			if err := ls.driver.Remove(l.cacheID); err != nil {
				log.G(context.TODO()).WithFields(log.Fields{"cache-id": l.cacheID, "error": err}).Error("Error cleaning up linked layer")
			}
		}
	}()

	tx, err := ls.store.StartTransaction()
	if err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil || discard {
			if err := tx.Cancel(); err != nil {
				log.G(context.TODO()).WithFields(log.Fields{"cache-id": l.cacheID, "error": err}).Error("Error canceling metadata transaction")
			}
		}
	}()
	if err := copyTarSplit(tx, src.TarSplit); err != nil {
		return nil, err
	}
	if err := storeLayer(tx, l); err != nil {
		return nil, err
	}

	ls.layerL.Lock()
	defer ls.layerL.Unlock()
	if winner := ls.get(chainID); winner != nil {
		discard = true
		return winner.getReference(), nil
	}
	if err := tx.Commit(chainID); err != nil {
		return nil, err
	}
	ls.layerMap[chainID] = l
	return l.getReference(), nil
}

// copyTarSplit stores the already compressed tar-split as is. It writes to
// the transaction directly: TarSplitWriter(false) closes the file twice.
func copyTarSplit(tx *fileMetadataTransaction, r io.Reader) error {
	w, err := tx.ws.FileWriter("tar-split.json.gz", os.O_TRUNC|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return fmt.Errorf("copying tar-split: %w", err)
	}
	return w.Close()
}
