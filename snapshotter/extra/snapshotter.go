// Package extra is a containerd snapshotter that behaves as containerd's
// overlayfs snapshotter and serves the layers of an extra store (a
// read-only dockerd overlay2 data-root) as committed snapshots, without
// copying them.
//
// When the unpacker prepares a layer with the label
// containerd.io/snapshot.ref (its chain ID) and the store holds that chain,
// valid by the engine's rules, on top of the same parent chain, the layer's
// data directory is opened confined, bind-mounted read-only from that very
// handle below State, and committed as a snapshot whose fs directory is a
// symlink to that mount; Prepare then answers ErrAlreadyExists, so nothing
// is fetched or applied (containerd's remote snapshot protocol). The store
// is never written; Remove only drops the symlink and the bind mount.
package extra

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/containerd/containerd/v2/core/snapshots/storage"
	"github.com/containerd/containerd/v2/plugins/snapshots/overlay"
	"github.com/containerd/log"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
)

// Config says where the snapshotter keeps its data and which store it
// serves.
type Config struct {
	// Root holds the overlay snapshotter's data (metadata.db, snapshots/)
	// and the records of the layers linked from the store (extra/).
	Root string
	// State holds the bind mounts of the store's layers. It must be emptied
	// at boot (a tmpfs such as /run): a snapshot whose mount is gone then
	// fails to mount instead of showing an empty layer.
	State string
	// Store is the extra store; nil serves ordinary snapshots only.
	Store *extrastorage.Store
}

// Snapshotter is containerd's overlay snapshotter with store layers served
// as remote snapshots. Methods it does not override are the overlay
// snapshotter's own; Close among them leaves the bind mounts, which running
// containers and the next start of the snapshotter use.
type Snapshotter struct {
	snapshots.Snapshotter
	ms    *storage.MetaStore
	root  string
	state string
	store *extrastorage.Store
}

// New opens the snapshotter at cfg.Root and brings the bind mounts of its
// linked layers back where they are missing (after a reboot), checking each
// against the store again.
func New(ctx context.Context, cfg Config) (_ *Snapshotter, retErr error) {
	if !filepath.IsAbs(cfg.Root) || !filepath.IsAbs(cfg.State) {
		return nil, fmt.Errorf("root %q and state %q must be absolute paths", cfg.Root, cfg.State)
	}
	for _, dir := range []string{cfg.Root, filepath.Join(cfg.Root, recordsDir), filepath.Join(cfg.State, mountsDir)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	ms, err := storage.NewMetaStore(filepath.Join(cfg.Root, "metadata.db"))
	if err != nil {
		return nil, err
	}
	ov, err := overlay.NewSnapshotter(cfg.Root, overlay.WithMetaStore(ms))
	if err != nil {
		ms.Close()
		return nil, err
	}
	s := &Snapshotter{Snapshotter: ov, ms: ms, root: cfg.Root, state: cfg.State, store: cfg.Store}
	defer func() {
		if retErr != nil {
			ov.Close()
		}
	}()
	if err := s.restore(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Remove removes the snapshot as the overlay snapshotter does (its fs is
// only a symlink for a linked layer: the store is not reached), then
// unmounts the layer's bind mount and forgets its record.
func (s *Snapshotter) Remove(ctx context.Context, key string) error {
	id, err := s.id(ctx, key)
	if err != nil {
		return err
	}
	if err := s.Snapshotter.Remove(ctx, key); err != nil {
		return err
	}
	return s.unlink(ctx, id)
}

// Cleanup removes what removed snapshots left behind: the overlay
// snapshotter's directories, and bind mounts of layers no snapshot uses.
func (s *Snapshotter) Cleanup(ctx context.Context) error {
	var err error
	if c, ok := s.Snapshotter.(snapshots.Cleaner); ok {
		err = c.Cleanup(ctx)
	}
	return errors.Join(err, s.dropOrphans(ctx))
}

// id returns the overlay snapshotter's ID of the snapshot key.
func (s *Snapshotter) id(ctx context.Context, key string) (string, error) {
	var id string
	err := s.ms.WithTransaction(ctx, false, func(ctx context.Context) error {
		var err error
		id, _, _, err = storage.GetInfo(ctx, key)
		return err
	})
	return id, err
}

func logRefusal(ctx context.Context, key string, err error) {
	var bad *extrastorage.BadStoreError
	var unavailable *extrastorage.UnavailableError
	var timeout *extrastorage.TimeoutError
	l := log.G(ctx).WithField("key", key).WithError(err)
	switch {
	case errors.Is(err, errNotRemote), errors.As(err, new(*extrastorage.LayerNotInStoreError)):
		l.Debug("extra store: layer not served from the store; ordinary snapshot")
	case errors.As(err, &bad), errors.As(err, &unavailable), errors.As(err, &timeout):
		l.Warn("extra store: layer refused; it will be downloaded")
	default:
		l.Error("extra store: linking the layer failed; it will be downloaded")
	}
}
