package extra

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containerd/containerd/v2/core/snapshots/storage"
	"github.com/containerd/errdefs"
	"github.com/containerd/log"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
)

// restore runs at start: records and mounts of snapshots that are gone are
// dropped, and each linked layer that is not mounted (after a reboot) is
// checked against the store again and mounted. A layer that cannot be is
// logged and left unmounted: its snapshot then fails to mount, naming the
// missing mount point, and never shows an empty or changed layer. A store
// that does not answer stops the pass at its first timeout.
func (s *Snapshotter) restore(ctx context.Context) error {
	if err := s.dropOrphans(ctx); err != nil {
		return err
	}
	ids, err := s.recordIDs()
	if err != nil {
		return err
	}
	for i, id := range ids {
		err := s.remount(ctx, id)
		if err == nil {
			continue
		}
		log.G(ctx).WithError(err).WithField("snapshot-id", id).Error("extra store: a linked layer is not available; its images fail to run until the store is back and the snapshotter restarted")
		if errors.As(err, new(*extrastorage.TimeoutError)) {
			// A hung store would hold the start for a timeout per layer.
			log.G(ctx).WithField("not-mounted", len(ids)-i-1).Error("extra store: not answering; the other linked layers are not mounted either")
			break
		}
	}
	return nil
}

func (s *Snapshotter) remount(ctx context.Context, id string) error {
	mounted, err := s.layerMounted(id)
	if err != nil || mounted {
		return err
	}
	r, err := s.readRecord(id)
	if err != nil {
		return err
	}
	if s.store == nil {
		return errors.New("no extra store is configured")
	}
	os.Remove(s.mountPoint(id)) // an empty mount point left by a crash
	// The directory as recorded, in its own generation: the one checked when
	// it was linked, if its identity is unchanged.
	dir, identity, err := s.store.OpenLinked(ctx, r.Layer)
	if err != nil {
		return fmt.Errorf("layer %s: %w", r.Chain, err)
	}
	defer dir.Close()
	if identity != r.Identity {
		return fmt.Errorf("the store changed layer %s since it was linked (%s, identity %s, linked as %s): remove the images that use it and pull them again",
			r.Chain, filepath.Join(s.store.Path(), r.Layer), identity, r.Identity)
	}
	if err := s.mountLayer(id, dir); err != nil {
		return err
	}
	return s.pointFS(id)
}

// dropOrphans unlinks the records and mounts whose snapshot is gone (a
// Remove cut short, or a mount point without a record).
func (s *Snapshotter) dropOrphans(ctx context.Context) error {
	var live map[string]string
	if err := s.ms.WithTransaction(ctx, false, func(ctx context.Context) error {
		var err error
		live, err = storage.IDMap(ctx)
		return err
	}); err != nil && !errdefs.IsNotFound(err) { // not found: no snapshot yet
		return err
	}
	ids, err := s.recordIDs()
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(s.state, mountsDir))
	if err != nil {
		return err
	}
	for _, e := range entries {
		ids = append(ids, e.Name())
	}
	var errs error
	for _, id := range ids {
		if _, ok := live[id]; !ok && idPattern.MatchString(id) {
			errs = errors.Join(errs, s.unlink(ctx, id))
		}
	}
	return errs
}

// unlink drops a linked layer's mount and record; nothing for another
// snapshot. The store is never touched.
func (s *Snapshotter) unlink(ctx context.Context, id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("%q is not a snapshot ID", id)
	}
	if err := s.unmountLayer(id); err != nil {
		return err
	}
	if err := os.Remove(s.recordPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	log.G(ctx).WithField("snapshot-id", id).Debug("extra store: layer unlinked")
	return nil
}
