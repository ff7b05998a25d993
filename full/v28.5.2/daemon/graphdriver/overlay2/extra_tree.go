//go:build linux

package overlay2

import (
	"archive/tar"

	"github.com/docker/docker/daemon/extrastorage/layertree"
)

// CheckLinkedTree holds a linked layer's directory to the headers of the
// tar its tar-split rebuilds (package layertree); other layers pass.
func (d *Driver) CheckLinkedTree(id string, headers []*tar.Header) error {
	x, err := d.links()
	if err != nil {
		return err
	}
	l, ok := x.lookup("", id)
	if !ok {
		return nil
	}
	dir, err := openLinkedChecked(l)
	if err != nil {
		return err
	}
	defer dir.Close()
	return layertree.Check(dir, headers)
}
