//go:build linux

package overlay2

import (
	"fmt"
	"io"
	"os"
	"path"

	"github.com/docker/docker/daemon/extrastorage/beneath"
	"github.com/docker/docker/daemon/graphdriver"
	"github.com/vbatts/tar-split/tar/storage"
)

var _ graphdriver.DiffGetterDriver = (*Driver)(nil)

// DiffGetter serves the files a layer's tar-split names, when the layer is
// saved or pushed. A linked layer's files are read from its directory in the
// extra storage, confined to it, and only regular files: neither the store's
// tar-split nor its contents are trusted, and a "file" entry whose path holds
// a symlink to a host file, a device node or a FIFO would otherwise be read
// into the image (through the mounted view, a symlink to /etc/shadow is the
// host's) or block the save. Nothing but a regular file is ever opened for
// reading. Every other layer is served exactly as the layer
// store serves a driver without DiffGetter: from its mounted view.
func (d *Driver) DiffGetter(id string) (graphdriver.FileGetCloser, error) {
	x, err := d.links()
	if err != nil {
		return nil, err
	}
	l, ok := x.lookup("", id)
	if !ok {
		return d.mountedDiffGetter(id)
	}
	return openLinkedDiff(l)
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

// linkedDiff reads files of a linked layer below its store directory, each
// opened as the store's other files are (package beneath): a path that
// leads out of the directory or through a symlink is refused, and so is
// anything but a regular file at the end of it.
type linkedDiff struct {
	root *os.File // O_PATH handle of the layer's diff directory
	dir  string
}

func openLinkedDiff(l linkedLayer) (graphdriver.FileGetCloser, error) {
	dir, err := openLinkedChecked(l)
	if err != nil {
		return nil, err
	}
	return &linkedDiff{root: dir, dir: path.Join(l.Root, l.Rel)}, nil
}

func (l *linkedDiff) Get(name string) (io.ReadCloser, error) {
	wrap := func(err error) error {
		return fmt.Errorf("linked layer data %s, file %q: %w", l.dir, name, err)
	}
	// A handle first, not following a final symlink: opening a device node
	// or a FIFO for reading can already have effects (or wait for a writer).
	// Only a regular file, what tar-split names, is then opened for reading,
	// as the very inode checked. Tar names may start with "./".
	h, err := beneath.Path(l.root, path.Clean(name))
	if err != nil {
		return nil, wrap(err)
	}
	defer h.Close()
	fi, err := h.Stat()
	if err != nil {
		return nil, wrap(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, wrap(fmt.Errorf("is a %s, not the regular file its tar-split names (the extra storage is inconsistent)", beneath.Kind(fi.Mode())))
	}
	f, err := beneath.Reopen(h)
	if err != nil {
		return nil, wrap(err)
	}
	return f, nil
}

func (l *linkedDiff) Close() error {
	return l.root.Close()
}
