package snapshotpull

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/containerd/containerd/v2/core/content"
	"github.com/containerd/containerd/v2/core/snapshots"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/containerd/log"
	"github.com/distribution/reference"
	"github.com/docker/docker/daemon/extrastorage"
	"github.com/docker/docker/daemon/extrastorage/extrametrics"
	"github.com/docker/docker/errdefs"
	"github.com/docker/docker/pkg/progress"
	"github.com/docker/docker/pkg/stringid"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Target is the containerd image store a pull writes to.
type Target struct {
	Content content.Store
	// Snapshotter is the snapshotter dockerd unpacks with (storage-driver),
	// SnapshotterName its name.
	Snapshotter     snapshots.Snapshotter
	SnapshotterName string
}

// Result is an image made from the store: Target is what its image records
// point to, Labels what they carry.
type Result struct {
	Image  *extrastorage.Image
	Target ocispec.Descriptor
	Labels map[string]string
	// Linked counts the layers the snapshotter linked from the store; the
	// others were present already.
	Linked int
}

// Pull resolves base in the store, checks it is for platform, writes its
// config and manifest to the content store and has every layer served by
// the snapshotter, base first. The caller holds a lease and writes the
// image records. A NotInStoreError means the store lacks the image.
func Pull(ctx context.Context, store *extrastorage.Store, t Target, base reference.NamedTagged, platform *ocispec.Platform, po progress.Output) (*Result, error) {
	img, err := store.Lookup(ctx, base)
	if err != nil {
		return nil, err
	}
	if err := extrastorage.CheckPlatform(img.Image, platform); err != nil {
		return nil, err
	}
	c, err := contentFor(img, t.SnapshotterName)
	if err != nil {
		return nil, err
	}
	linked, err := prepareLayers(ctx, store, t, img.Layers, po)
	if err != nil {
		return nil, err
	}
	// The config's label references the top snapshot, so it is written
	// after the snapshots exist, and the manifest after the config.
	if err := writeBlob(ctx, t.Content, c.config, img.Config, c.configLabels); err != nil {
		return nil, err
	}
	if err := writeBlob(ctx, t.Content, c.manifest, c.manifestBytes, c.manifestLabels); err != nil {
		return nil, err
	}
	return &Result{Image: img, Target: c.manifest, Labels: map[string]string{LabelStore: store.Path()}, Linked: linked}, nil
}

func writeBlob(ctx context.Context, cs content.Store, desc ocispec.Descriptor, data []byte, labels map[string]string) error {
	ref := "extra-storage-" + desc.Digest.String()
	if err := content.WriteBlob(ctx, cs, ref, bytes.NewReader(data), desc, content.WithLabels(labels)); err != nil {
		return errdefs.System(fmt.Errorf("extra storage: writing %s to the content store: %w", desc.Digest, err))
	}
	// A blob that existed keeps its labels: WriteBlob sets them only on commit.
	info := content.Info{Digest: desc.Digest, Labels: labels}
	fields := make([]string, 0, len(labels))
	for k := range labels {
		fields = append(fields, "labels."+k)
	}
	if _, err := cs.Update(ctx, info, fields...); err != nil {
		return errdefs.System(fmt.Errorf("extra storage: labelling %s in the content store: %w", desc.Digest, err))
	}
	return nil
}

// prepareLayers has the snapshotter serve each layer the target lacks. It
// returns how many it linked.
func prepareLayers(ctx context.Context, store *extrastorage.Store, t Target, layers []extrastorage.Layer, po progress.Output) (_ int, retErr error) {
	linked, reused := 0, 0
	parent := ""
	defer func() {
		if reused > 0 && retErr == nil {
			retErr = checkChain(ctx, t, parent)
		}
	}()
	for i, l := range layers {
		if err := ctx.Err(); err != nil {
			return linked, err
		}
		chainID := digest.Digest(l.ChainID).String()
		short := stringid.TruncateID(digest.Digest(l.DiffID).String())
		if have, err := haveLayer(ctx, t, chainID); err != nil {
			return linked, err
		} else if have {
			progress.Update(po, short, "Already exists")
			extrametrics.Of(ctx).Layer(true, l.Size)
			parent = chainID
			reused++
			continue
		}
		if store.VerifyContent() {
			progress.Update(po, short, "Verifying content")
		}
		var prev extrastorage.Layer
		if i > 0 {
			prev = layers[i-1]
		}
		if err := prepareLayer(ctx, store, t, l, chainID, parent, snapshotLabels(l, prev, i > 0)); err != nil {
			return linked, err
		}
		linked++
		progress.Update(po, short, "Linked from extra storage")
		extrametrics.Of(ctx).Layer(false, l.Size)
		parent = chainID
	}
	return linked, nil
}

// prepareLayer asks for the layer by chain ID; extra-snapshotter answers
// "already exists" once it has linked it. A snapshot made instead would be
// an empty layer: it is removed, and the pull fails naming the fix.
func prepareLayer(ctx context.Context, store *extrastorage.Store, t Target, l extrastorage.Layer, chainID, parent string, labels map[string]string) error {
	key := fmt.Sprintf(snapshots.UnpackKeyFormat, uniquePart(), chainID)
	ctx, cancel := context.WithTimeout(ctx, extrastorage.LinkTimeout(l.Size, store.VerifyContent()))
	defer cancel()
	_, err := t.Snapshotter.Prepare(ctx, key, parent, snapshots.WithLabels(labels))
	switch {
	case cerrdefs.IsAlreadyExists(err):
		if _, err := t.Snapshotter.Stat(ctx, chainID); err != nil {
			return snapshotterError(t.SnapshotterName, chainID, err)
		}
		return nil
	case err == nil:
		if err := t.Snapshotter.Remove(context.WithoutCancel(ctx), key); err != nil {
			log.G(ctx).WithError(err).WithField("key", key).Warn("extra storage: removing a snapshot the snapshotter made instead of linking")
		}
		return errdefs.Unavailable(fmt.Errorf("extra storage: snapshotter %q did not link layer %s from the store at %s: "+
			"run extra-snapshotter with --extra-store %s as containerd's proxy plugin %q, and see its log for why it refused the layer",
			t.SnapshotterName, chainID, store.Path(), store.Path(), t.SnapshotterName))
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return notAnswering(t.SnapshotterName, chainID, extrastorage.LinkTimeout(l.Size, store.VerifyContent()))
	default:
		return snapshotterError(t.SnapshotterName, chainID, err)
	}
}

// checkChain has the snapshotter check the chain up to top as a container's
// start would, through a view it removes again: extra-snapshotter refuses a
// linked layer the store has replaced or removed since it was linked. A
// pull that reuses such a layer fails now, naming it, instead of tagging an
// image that cannot start.
func checkChain(ctx context.Context, t Target, top string) error {
	key := fmt.Sprintf("extra-storage-check %s %s", uniquePart(), top)
	ctx, cancel := context.WithTimeout(ctx, statTimeout)
	defer cancel()
	_, err := t.Snapshotter.View(ctx, key, top)
	switch {
	case err == nil:
		if err := t.Snapshotter.Remove(context.WithoutCancel(ctx), key); err != nil {
			log.G(ctx).WithError(err).WithField("key", key).Warn("extra storage: removing the view that checked an image's layers")
		}
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return notAnswering(t.SnapshotterName, top, statTimeout)
	case cerrdefs.IsFailedPrecondition(err):
		return errdefs.Conflict(err)
	default:
		return snapshotterError(t.SnapshotterName, top, err)
	}
}

// statTimeout bounds the snapshotter's answer about one snapshot: a hung
// extra-snapshotter fails the pull instead of hanging it.
var statTimeout = 30 * time.Second

// haveLayer tells whether the target has chainID's snapshot already.
func haveLayer(ctx context.Context, t Target, chainID string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, statTimeout)
	defer cancel()
	_, err := t.Snapshotter.Stat(ctx, chainID)
	switch {
	case err == nil:
		return true, nil
	case cerrdefs.IsNotFound(err):
		return false, nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return false, notAnswering(t.SnapshotterName, chainID, statTimeout)
	default:
		return false, snapshotterError(t.SnapshotterName, chainID, err)
	}
}

func notAnswering(name, chainID string, after time.Duration) error {
	return errdefs.Unavailable(fmt.Errorf("extra storage: snapshotter %q did not answer for layer %s within %s: is extra-snapshotter running, and its store reachable?", name, chainID, after))
}

func snapshotterError(name, chainID string, err error) error {
	return errdefs.Unavailable(fmt.Errorf("extra storage: snapshotter %q, layer %s: %w", name, chainID, err))
}

// uniquePart makes an extraction key unique, as containerd's unpacker does.
func uniquePart() string {
	var b [3]byte
	for i := range b {
		b[i] = byte(rand.IntN(256))
	}
	return fmt.Sprintf("%d-%s", time.Now().Nanosecond(), base64.URLEncoding.EncodeToString(b[:]))
}
