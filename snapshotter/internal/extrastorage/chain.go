package extrastorage

// This file is the snapshotter's own (not generated): containerd asks for a
// layer by chain ID, on top of a parent chain, where dockerd walks an image
// config's diffIDs. The rules are the engine's, from the generated copies.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"syscall"
	"time"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/beneath"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/moby/layer"
	"github.com/opencontainers/go-digest"
)

// LayerNotInStoreError means the store holds no layer by that chain ID: the
// ordinary download is what should happen, nothing is wrong.
type LayerNotInStoreError struct {
	ChainID layer.ChainID
	Store   string
}

func (e *LayerNotInStoreError) Error() string {
	return fmt.Sprintf("layer %s is not in the extra storage at %s", e.ChainID, e.Store)
}

// NotFound marks the error as an absence.
func (e *LayerNotInStoreError) NotFound() {}

// OpenedLayer is a validated layer of the store with its data directory
// open: mount Dir (through its /proc/self/fd path), not Layer.DiffRel, so
// what was checked is what is mounted. Close it when done.
type OpenedLayer struct {
	Layer
	Dir      *os.File // O_PATH handle of overlay2/<cache-id>/diff, a directory
	Identity string   // of Dir, to tell later whether the store changed it
}

// Close closes the layer's directory handle.
func (o *OpenedLayer) Close() error { return o.Dir.Close() }

// OpenChain validates the store's layer chainID on top of parent ("" for a
// base layer) by the engine's rules, and that its diffID on top of parent
// is chainID (so a layer filed under the wrong chain is refused), then
// opens its data directory confined. Absent: a LayerNotInStoreError; bad: a
// BadStoreError naming the file; a hung store: a TimeoutError.
func (s *Store) OpenChain(ctx context.Context, chainID, parent layer.ChainID) (*OpenedLayer, error) {
	if err := validateSHA256(digest.Digest(chainID)); err != nil {
		return nil, fmt.Errorf("chain ID %q: %w", chainID, err)
	}
	if parent != "" {
		if err := validateSHA256(digest.Digest(parent)); err != nil {
			return nil, fmt.Errorf("parent chain ID %q: %w", parent, err)
		}
	}
	var opened *OpenedLayer
	err := s.withStore(ctx, func(r *storeRoot) error {
		var err error
		opened, err = openChain(r, chainID, parent)
		return err
	})
	return opened, err
}

func openChain(r *storeRoot, chainID, parent layer.ChainID) (*OpenedLayer, error) {
	dir := layerDir(chainID)
	if !r.exists(dir) {
		return nil, &LayerNotInStoreError{ChainID: chainID, Store: r.path}
	}
	if err := r.checkDir(dir); err != nil {
		return nil, err
	}
	diff, err := readField(r, path.Join(dir, "diff"))
	if err != nil {
		return nil, err
	}
	diffID := layer.DiffID(diff)
	if validateSHA256(digest.Digest(diffID)) != nil {
		return nil, badStore(r.full(path.Join(dir, "diff")), "diff %q is not a sha256 digest", diff)
	}
	if got := extendChain(parent, diffID); got != chainID {
		return nil, badStore(r.full(dir), "holds diff %s on top of %q, whose chain ID is %s, not the directory's", diffID, parent, got)
	}
	l, err := readLayer(r, chainID, parent, diffID)
	if err != nil {
		return nil, err
	}
	// r is the generation's directory; DiffRel is relative to the configured path.
	h, fi, err := r.stat(path.Join("overlay2", l.CacheID, "diff"))
	if err != nil {
		return nil, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok {
		h.Close()
		return nil, badStore(r.full(l.DiffRel), "is not a directory")
	}
	return &OpenedLayer{Layer: l, Dir: h, Identity: dirIdentity(st)}, nil
}

// dirIdentity names a directory as opened: its inode and change and
// modification times. Not the device: it changes with each mount of the
// same store. A layer republished or changed in place gets another one.
func dirIdentity(st *syscall.Stat_t) string {
	return fmt.Sprintf("%d:%d.%d:%d.%d", st.Ino, st.Ctim.Sec, st.Ctim.Nsec, st.Mtim.Sec, st.Mtim.Nsec)
}

// OpenLinked opens rel, a linked layer's directory as it was recorded (its
// DiffRel: relative to the configured path, with its generation), confined
// below the store's path, and returns the handle and its identity: to mount
// the layer again, or to tell whether the store has replaced it since. Gone:
// a VanishedError; a store that does not answer: a TimeoutError.
func (s *Store) OpenLinked(ctx context.Context, rel string) (*os.File, string, error) {
	type opened struct {
		dir      *os.File
		identity string
		err      error
	}
	done := make(chan opened, 1)
	go func() {
		dir, identity, err := s.openLinked(rel)
		done <- opened{dir, identity, err}
	}()
	// A read blocked in the kernel cannot be cancelled: a late answer's
	// handle is closed when it comes.
	abandon := func() {
		go func() {
			if o := <-done; o.dir != nil {
				o.dir.Close()
			}
		}()
	}
	deadline := time.NewTimer(s.readTimeout)
	defer deadline.Stop()
	select {
	case o := <-done:
		return o.dir, o.identity, o.err
	case <-ctx.Done():
		abandon()
		return nil, "", ctx.Err()
	case <-deadline.C:
		abandon()
		return nil, "", &TimeoutError{Path: s.path, After: s.readTimeout}
	}
}

func (s *Store) openLinked(rel string) (*os.File, string, error) {
	root, err := beneath.OpenRoot(s.path)
	if err != nil {
		return nil, "", &UnavailableError{Path: s.path, Err: unwrapPath(err)}
	}
	defer root.Close()
	full := path.Join(s.path, rel)
	h, err := beneath.Path(root, rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", &VanishedError{Path: full}
	}
	if err != nil {
		return nil, "", badStore(full, "%v", unwrapPath(err))
	}
	fi, err := h.Stat()
	if err != nil {
		h.Close()
		return nil, "", badStore(full, "%v", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok {
		h.Close()
		return nil, "", badStore(full, "is not a directory")
	}
	return h, dirIdentity(st), nil
}

// VanishedError means a linked layer's directory is no longer in the store.
type VanishedError struct{ Path string }

func (e *VanishedError) Error() string { return e.Path + " has vanished from the store" }
