package extrastorage

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/docker/docker/daemon/extrastorage/beneath"
)

// storeRoot is the store opened for one operation: every file is opened
// below this handle, never by a path that the store could redirect between
// a check and a use.
type storeRoot struct {
	dir  *os.File
	path string // the directory dir is, for messages
	// base is the configured path and prefix the generation's directory
	// relative to it ("" for a store without generations): layers are
	// linked as base + prefix/..., so they keep their generation.
	base, prefix string
	generation   string
}

func (r *storeRoot) Close() error {
	return r.dir.Close()
}

func (r *storeRoot) full(rel string) string {
	return path.Join(r.path, rel)
}

// stat opens rel as a handle and returns its mode and size as opened.
func (r *storeRoot) stat(rel string) (*os.File, os.FileInfo, error) {
	h, err := beneath.Path(r.dir, rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, badStore(r.full(rel), "missing")
		}
		return nil, nil, badStore(r.full(rel), "%v", unwrapPath(err))
	}
	fi, err := h.Stat()
	if err != nil {
		h.Close()
		return nil, nil, badStore(r.full(rel), "%v", err)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		h.Close()
		return nil, nil, badStore(r.full(rel), "is a symlink; structural paths of the store must not be links")
	}
	return h, fi, nil
}

// exists reports whether rel names anything in the store.
func (r *storeRoot) exists(rel string) bool {
	h, err := beneath.Path(r.dir, rel)
	if err != nil {
		return false
	}
	h.Close()
	return true
}

// readFile reads a regular file of at most limit bytes: the file checked is
// the file read, and neither a FIFO nor a device is ever opened for reading.
func (r *storeRoot) readFile(rel string, limit int64) ([]byte, error) {
	h, fi, err := r.stat(rel)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	if !fi.Mode().IsRegular() {
		return nil, badStore(r.full(rel), "is a %s, not a regular file", beneath.Kind(fi.Mode()))
	}
	if fi.Size() > limit {
		return nil, badStore(r.full(rel), "%d bytes, more than the %d allowed", fi.Size(), limit)
	}
	f, err := beneath.Reopen(h)
	if err != nil {
		return nil, badStore(r.full(rel), "%v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, badStore(r.full(rel), "%v", err)
	}
	if int64(len(data)) > limit {
		return nil, badStore(r.full(rel), "grew past the %d bytes allowed while read", limit)
	}
	return data, nil
}

// checkDir checks that rel is a directory inside the store.
func (r *storeRoot) checkDir(rel string) error {
	h, fi, err := r.stat(rel)
	if err != nil {
		return err
	}
	defer h.Close()
	if !fi.IsDir() {
		return badStore(r.full(rel), "is a %s, not a directory", beneath.Kind(fi.Mode()))
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
