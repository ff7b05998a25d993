//go:build linux

package overlay2

import (
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

// openLinkedDiff serves a linked layer's files from its store directory,
// confined to it (beneath.Files).
func openLinkedDiff(l linkedLayer) (graphdriver.FileGetCloser, error) {
	dir, err := openLinkedChecked(l)
	if err != nil {
		return nil, err
	}
	return &beneath.Files{Root: dir, Dir: path.Join(l.Root, l.Rel)}, nil
}
