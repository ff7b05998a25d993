package extra

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"

	"github.com/containerd/containerd/v2/core/mount"
	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/containerd/containerd/v2/core/snapshots/storage"
	"github.com/containerd/errdefs"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
)

// A linked layer's mount holds the directory that was checked when it was
// linked, whatever the store does later. A store that republishes or
// removes that directory leaves the mount showing what remains of it, so
// every use of a chain of snapshots (a container's Prepare, a View, the
// Mounts of a container's start) first checks that each linked layer below
// it is still the store's directory as linked, and refuses it, naming the
// layer and the fix, when it is not; as dockerd does on the graph-driver
// store at each mount.

// Prepare serves a layer the unpacker asks for from the store when it can;
// any other Prepare is the overlay snapshotter's, on a checked parent.
func (s *Snapshotter) Prepare(ctx context.Context, key, parent string, opts ...snapshots.Opt) ([]mount.Mount, error) {
	if s.store != nil {
		target, err := s.linkFromStore(ctx, key, parent, opts)
		if err == nil || errors.Is(err, errLinkedMeanwhile) {
			return nil, fmt.Errorf("target snapshot %q: %w", target, errdefs.ErrAlreadyExists)
		}
		if !errors.Is(err, errNotRemote) && linkRequired(opts) {
			return nil, fmt.Errorf("extra-snapshotter: layer %s from the store at %s: %w", labelsOf(opts)[snapshots.LabelSnapshotRef], s.store.Path(), refusal(err))
		}
		logRefusal(ctx, key, err)
	}
	if err := s.checkChain(ctx, parent); err != nil {
		return nil, err
	}
	return s.Snapshotter.Prepare(ctx, key, parent, opts...)
}

// View is the overlay snapshotter's, on a checked parent.
func (s *Snapshotter) View(ctx context.Context, key, parent string, opts ...snapshots.Opt) ([]mount.Mount, error) {
	if err := s.checkChain(ctx, parent); err != nil {
		return nil, err
	}
	return s.Snapshotter.View(ctx, key, parent, opts...)
}

// Mounts is the overlay snapshotter's, once the layers below key are checked.
func (s *Snapshotter) Mounts(ctx context.Context, key string) ([]mount.Mount, error) {
	if err := s.checkChain(ctx, key); err != nil {
		return nil, err
	}
	return s.Snapshotter.Mounts(ctx, key)
}

// linkRequired tells whether the Prepare asks for the store's layer or
// nothing (LabelRequireLink).
func linkRequired(opts []snapshots.Opt) bool {
	return labelsOf(opts)[LabelRequireLink] != ""
}

func labelsOf(opts []snapshots.Opt) map[string]string {
	var info snapshots.Info
	for _, opt := range opts {
		_ = opt(&info)
	}
	return info.Labels
}

// refusal classes a refused link for the caller: a store that lacks the
// layer or cannot be reached is unavailable, a bad one a failed
// precondition.
func refusal(err error) error {
	var absent *extrastorage.LayerNotInStoreError
	var unavailable *extrastorage.UnavailableError
	var timeout *extrastorage.TimeoutError
	if errors.As(err, &absent) || errors.As(err, &unavailable) || errors.As(err, &timeout) {
		return classed{err, errdefs.ErrUnavailable}
	}
	return classed{err, errdefs.ErrFailedPrecondition}
}

// classed gives err the class of containerd's errdefs sentinel class (what
// the caller gets over gRPC) without adding it to the message.
type classed struct{ err, class error }

func (c classed) Error() string   { return c.err.Error() }
func (c classed) Unwrap() []error { return []error{c.err, c.class} }

// checkChain checks every linked layer of the chain that name (a snapshot,
// "" for none) is on or above.
func (s *Snapshotter) checkChain(ctx context.Context, name string) error {
	for name != "" {
		var id string
		var info snapshots.Info
		err := s.ms.WithTransaction(ctx, false, func(ctx context.Context) error {
			var err error
			id, info, _, err = storage.GetInfo(ctx, name)
			return err
		})
		if err != nil {
			// The overlay snapshotter says what is wrong with a name it lacks.
			return nil
		}
		if err := s.checkLinked(ctx, id); err != nil {
			return err
		}
		name = info.Parent
	}
	return nil
}

// checkLinked refuses linked layer id when the store's directory is no
// longer the one linked; a layer that is not linked passes.
func (s *Snapshotter) checkLinked(ctx context.Context, id string) error {
	r, err := s.readRecord(id)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if s.store == nil {
		return nil // mounted as it was linked; no store to compare with
	}
	source := path.Join(s.store.Path(), r.Layer)
	fix := "remove the containers and images that use it (docker rm, docker rmi), then pull the images again"
	dir, now, err := s.store.OpenLinked(ctx, r.Layer)
	if err == nil {
		dir.Close()
	}
	var vanished *extrastorage.VanishedError
	switch {
	case errors.As(err, &vanished):
		return classed{fmt.Errorf("extra storage: refusing layer %s, linked from the store at %s: it has vanished from the store; %s", r.Chain, source, fix), errdefs.ErrFailedPrecondition}
	case err != nil:
		return fmt.Errorf("extra storage: layer %s, linked from the store at %s, cannot be checked (%w); mount the store again if it is not mounted, or %s", r.Chain, source, err, fix)
	case now != r.Identity:
		return classed{fmt.Errorf("extra storage: refusing layer %s, linked from the store at %s: it was replaced in the store since the pull (identity %s, linked as %s); %s", r.Chain, source, now, r.Identity, fix), errdefs.ErrFailedPrecondition}
	}
	return nil
}
