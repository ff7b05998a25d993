//go:build linux

package overlay2

import (
	"fmt"
	"io"
	"os"
	"path"
	"syscall"

	"github.com/docker/docker/daemon/graphdriver"
	"github.com/vbatts/tar-split/tar/storage"
)

// DiffGetter serves the files a layer's tar-split names, when the layer is
// saved or pushed. A linked layer's files are read from its directory in the
// extra storage, confined to it, and only regular files: neither the store's
// tar-split nor its contents are trusted, and a "file" entry whose path holds
// a symlink to a host file, a device node or a FIFO would otherwise be read
// into the image (through the mounted view, a symlink to /etc/shadow is the
// host's) or block the save. Every other layer is served exactly as the layer
// store serves a driver without DiffGetter: from its mounted view.
func (d *Driver) DiffGetter(id string) (graphdriver.FileGetCloser, error) {
	diff := path.Join(d.dir(id), diffDirName)
	if fi, err := os.Lstat(diff); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return d.mountedDiffGetter(id)
	}
	return openLinkedDiff(diff)
}

// mountedDiff is the layer store's naiveDiffPathDriver getter: files of the
// mounted layer, unmounted on Close.
type mountedDiff struct {
	storage.FileGetter
	put func() error
}

func (m *mountedDiff) Close() error {
	return m.put()
}

func (d *Driver) mountedDiffGetter(id string) (graphdriver.FileGetCloser, error) {
	p, err := d.Get(id, "")
	if err != nil {
		return nil, err
	}
	return &mountedDiff{FileGetter: storage.NewPathFileGetter(p), put: func() error { return d.Put(id) }}, nil
}

// linkedDiff reads files of a linked layer through an os.Root on its store
// directory: a path or symlink that leads out of the directory is refused.
type linkedDiff struct {
	root *os.Root
	dir  string
}

func openLinkedDiff(diff string) (graphdriver.FileGetCloser, error) {
	if err := checkExternalDiff(diff); err != nil {
		return nil, err
	}
	target, err := os.Readlink(diff)
	if err != nil {
		return nil, fmt.Errorf("layer data %s is unreadable (extra storage not mounted or failing?): %w", diff, err)
	}
	root, err := os.OpenRoot(target)
	if err != nil {
		return nil, fmt.Errorf("layer data %s is unreadable (extra storage not mounted or failing?): %w", target, err)
	}
	// The directory opened must be the one just checked, not one the store
	// swapped in between.
	opened, err := root.Stat(".")
	checked, err2 := os.Lstat(target)
	if err != nil || err2 != nil || !os.SameFile(opened, checked) {
		_ = root.Close()
		return nil, fmt.Errorf("refusing to read linked layer data %s: the extra storage changed while it was opened", target)
	}
	return &linkedDiff{root: root, dir: target}, nil
}

func (l *linkedDiff) Get(name string) (io.ReadCloser, error) {
	// O_NONBLOCK: opening a FIFO returns at once (and is refused below)
	// instead of waiting for a writer; reads of a regular file ignore it.
	f, err := l.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("linked layer data %s, file %q: %w", l.dir, name, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("is a %s, not the regular file its tar-split names (the extra storage is inconsistent)", fileKind(fi.Mode()))
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("linked layer data %s, file %q: %w", l.dir, name, err)
	}
	return f, nil
}

func (l *linkedDiff) Close() error {
	return l.root.Close()
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeNamedPipe != 0:
		return "FIFO"
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "block device"
	case m&os.ModeSocket != 0:
		return "socket"
	default:
		return m.Type().String()
	}
}
