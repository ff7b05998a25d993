package extra

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/containerd/errdefs"
	"github.com/containerd/log"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/moby/layer"
)

// Labels the snapshotter sets on a layer linked from the store, inherited
// by containerd's metadata store, so a client can tell (and say) which
// layers came from the store.
const (
	// LabelSource is the store directory the layer's data is.
	LabelSource = "containerd.io/snapshot/extra.source"
	// LabelRequireLink on a Prepare asks for the store's layer or nothing:
	// dockerd's NAME:TAG-extra pull sets it, so a layer the snapshotter
	// refuses fails the pull with the reason, instead of an ordinary
	// snapshot that nothing would fill.
	LabelRequireLink = "containerd.io/snapshot/extra.require-link"
)

// errLinkedMeanwhile means another Prepare linked the same layer under the
// same name first: the target exists, as asked.
var errLinkedMeanwhile = errors.New("the layer was linked meanwhile")

// linkFromStore commits the layer asked for by a Prepare from the store,
// returning the target. Any failure leaves nothing behind.
func (s *Snapshotter) linkFromStore(ctx context.Context, key, parent string, opts []snapshots.Opt) (string, error) {
	req, err := parseRequest(parent, opts)
	if err != nil {
		return "", err
	}
	opened, err := s.store.OpenChain(ctx, layer.ChainID(req.chain), layer.ChainID(req.parent))
	if err != nil {
		return "", err
	}
	defer opened.Close()
	if s.store.VerifyContent() {
		if err := s.store.Verify(ctx, opened); err != nil {
			return "", err
		}
	}
	source := path.Join(s.store.Path(), opened.DiffRel)
	opts = append(opts, snapshots.WithLabels(map[string]string{LabelSource: source}))
	if err := s.commitLinked(ctx, key, parent, committedName(key, req.target), req, opened, opts); err != nil {
		return "", err
	}
	log.G(ctx).WithFields(log.Fields{"chain": req.chain, "source": source}).Info("extra store: layer linked")
	return req.target, nil
}

// commitLinked prepares key as the overlay snapshotter does, mounts the
// opened layer for it, points its fs there and commits it as name; on any
// failure it undoes all of it.
func (s *Snapshotter) commitLinked(ctx context.Context, key, parent, name string, req request, opened *extrastorage.OpenedLayer, opts []snapshots.Opt) (retErr error) {
	if _, err := s.Snapshotter.Prepare(ctx, key, parent, opts...); err != nil {
		return err
	}
	var id string
	defer func() {
		if retErr == nil {
			return
		}
		if id != "" {
			if err := s.unlink(ctx, id); err != nil {
				log.G(ctx).WithError(err).WithField("key", key).Warn("extra store: undoing a failed link")
			}
		}
		if err := s.Snapshotter.Remove(ctx, key); err != nil {
			log.G(ctx).WithError(err).WithField("key", key).Warn("extra store: removing a failed link's snapshot")
		}
	}()
	id, err := s.id(ctx, key)
	if err != nil {
		return err
	}
	rec := record{Chain: string(req.chain), Parent: string(req.parent), Layer: opened.DiffRel, Identity: opened.Identity}
	if err := s.writeRecord(id, rec); err != nil {
		return err
	}
	if err := s.mountLayer(id, opened.Dir); err != nil {
		return err
	}
	if err := s.pointFS(id); err != nil {
		return err
	}
	err = s.Snapshotter.Commit(ctx, name, key, opts...)
	if errdefs.IsAlreadyExists(err) {
		// Linked meanwhile under the same name: that snapshot serves.
		return fmt.Errorf("%w (%w)", err, errLinkedMeanwhile)
	}
	return err
}

// pointFS replaces the snapshot's empty fs directory by a symlink to the
// layer's mount point: the overlay snapshotter's mounts name fs, so they
// reach the store; its Remove deletes the symlink, never following it; and
// its usage walk on Commit stops at the link instead of reading the layer.
func (s *Snapshotter) pointFS(id string) error {
	fs := s.fsPath(id)
	if target, err := os.Readlink(fs); err == nil && target == s.mountPoint(id) {
		return nil
	}
	tmp := fs + ".extra"
	_ = os.Remove(tmp)
	if err := os.Symlink(s.mountPoint(id), tmp); err != nil {
		return err
	}
	if fi, err := os.Lstat(fs); err == nil && fi.IsDir() {
		if err := os.Remove(fs); err != nil {
			return err
		}
	}
	return os.Rename(tmp, fs)
}

func (s *Snapshotter) fsPath(id string) string {
	return filepath.Join(s.root, "snapshots", id, "fs")
}
