package snapshotpull

import (
	"context"
	"fmt"
	"time"

	"github.com/containerd/containerd/v2/core/content"
	c8dimages "github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/containerd/v2/core/snapshots"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/containerd/platforms"
	"github.com/docker/docker/daemon/extrastorage"
	"github.com/docker/docker/errdefs"
	"github.com/docker/docker/layer"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ProvideLayers writes the layer blobs of img that the content store lacks,
// rebuilt from the store and checked against their diffIDs, so that a save
// exports whole layers. The caller's lease holds them; the image does not
// reference them, so the collector removes them once the lease is gone.
// An image pulled from a registry whose layers the snapshotter linked
// instead of downloading is refused (refuseUnsaveable); any other image is
// left alone.
func ProvideLayers(ctx context.Context, store *extrastorage.Store, cs content.Store, img c8dimages.Image) error {
	linkedFrom, ok := img.Labels[LabelStore]
	if !ok {
		return refuseUnsaveable(ctx, store, cs, img)
	}
	if store == nil {
		return errdefs.Unavailable(fmt.Errorf("extra storage: image %s was linked from the extra storage at %s, which this daemon does not have: configure it again to save the image", img.Name, linkedFrom))
	}
	m, err := c8dimages.Manifest(ctx, cs, img.Target, platforms.All)
	if err != nil {
		return err
	}
	var missing []ocispec.Descriptor
	diffIDs := make([]layer.DiffID, 0, len(m.Layers))
	for _, desc := range m.Layers {
		diffIDs = append(diffIDs, layer.DiffID(desc.Digest))
		if _, err := cs.Info(ctx, desc.Digest); cerrdefs.IsNotFound(err) {
			missing = append(missing, desc)
		} else if err != nil {
			return err
		}
	}
	if len(missing) == 0 {
		return nil
	}
	layers, err := store.LookupLayers(ctx, diffIDs)
	if err != nil {
		return err
	}
	byDiffID := make(map[digest.Digest]extrastorage.Layer, len(layers))
	for _, l := range layers {
		byDiffID[digest.Digest(l.DiffID)] = l
	}
	for _, desc := range missing {
		l, ok := byDiffID[desc.Digest]
		if !ok {
			return errdefs.NotFound(fmt.Errorf("extra storage: layer %s of image %s is no longer in the store at %s: the image cannot be saved", desc.Digest, img.Name, store.Path()))
		}
		if err := writeLayer(ctx, cs, l, desc); err != nil {
			return err
		}
	}
	return nil
}

func writeLayer(ctx context.Context, cs content.Store, l extrastorage.Layer, desc ocispec.Descriptor) error {
	rc, err := extrastorage.OpenLayerTar(l)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := content.WriteBlob(ctx, cs, "extra-storage-save-"+desc.Digest.String(), rc, desc); err != nil {
		return fmt.Errorf("extra storage: rebuilding layer %s from the store for the save: %w", desc.Digest, err)
	}
	return nil
}

// Fetched is how the layers of an image came to the host in a registry
// pull.
type Fetched struct {
	// Linked are the layers a remote snapshotter, here extra-snapshotter,
	// linked: their snapshots exist while their blobs were never fetched.
	// In the order of the image's layers.
	Linked []ocispec.Descriptor
	// LinkedNow are those of Linked that the pull linked.
	LinkedNow []ocispec.Descriptor
	// Downloaded counts the layers whose blobs came with the pull.
	Downloaded int
	// Present counts the layers on the host before the pull, downloaded
	// or linked.
	Present int
}

// CountFetched tells how each layer of target (for platform) came to the
// host in a pull that began at since (the zero time: every layer came with
// it): a blob or a snapshot created since came with the pull; a layer
// without a blob was linked.
func CountFetched(ctx context.Context, cs content.Store, sn snapshots.Snapshotter, target ocispec.Descriptor, platform platforms.MatchComparer, since time.Time) (Fetched, error) {
	var f Fetched
	layers, chainIDs, err := imageLayers(ctx, cs, target, platform)
	if err != nil {
		return f, err
	}
	for i, desc := range layers {
		blob, err := cs.Info(ctx, desc.Digest)
		if err == nil {
			if blob.CreatedAt.Before(since) {
				f.Present++
			} else {
				f.Downloaded++
			}
			continue
		}
		if !cerrdefs.IsNotFound(err) {
			return f, err
		}
		snap, err := sn.Stat(ctx, chainIDs[i].String())
		if err != nil {
			return f, fmt.Errorf("layer %s has neither its blob nor its snapshot: %w", desc.Digest, err)
		}
		f.Linked = append(f.Linked, desc)
		if snap.Created.Before(since) {
			f.Present++
		} else {
			f.LinkedNow = append(f.LinkedNow, desc)
		}
	}
	return f, nil
}

// imageLayers returns the layer descriptors of target's manifest for
// platform and the chain ID of each.
func imageLayers(ctx context.Context, cs content.Store, target ocispec.Descriptor, platform platforms.MatchComparer) ([]ocispec.Descriptor, []digest.Digest, error) {
	m, err := c8dimages.Manifest(ctx, cs, target, platform)
	if err != nil {
		return nil, nil, err
	}
	diffIDs, err := c8dimages.RootFS(ctx, cs, m.Config)
	if err != nil {
		return nil, nil, err
	}
	if len(diffIDs) != len(m.Layers) {
		return nil, nil, fmt.Errorf("image %s has %d layers and %d diffIDs", target.Digest, len(m.Layers), len(diffIDs))
	}
	return m.Layers, identity.ChainIDs(diffIDs), nil
}

// refuseUnsaveable fails the save of a registry image one of whose layers
// was linked from the store and never downloaded: its manifest names the
// registry's compressed blob, which the store cannot give back, and a save
// would otherwise write an archive without it. Only a daemon with extra
// storage looks; an image it cannot read a manifest of is left to the save.
func refuseUnsaveable(ctx context.Context, store *extrastorage.Store, cs content.Store, img c8dimages.Image) error {
	if store == nil {
		return nil
	}
	m, err := c8dimages.Manifest(ctx, cs, img.Target, platforms.Default())
	if err != nil {
		return nil
	}
	for _, desc := range m.Layers {
		if _, err := cs.Info(ctx, desc.Digest); cerrdefs.IsNotFound(err) {
			return errdefs.Unavailable(fmt.Errorf("extra storage: layer %s of %s was linked from the extra storage at %s instead of downloaded, so docker save cannot include it: "+
				"save NAME:TAG-extra of an image the store holds, or pull this one on a host without the store", desc.Digest, img.Name, store.Path()))
		}
	}
	return nil
}
