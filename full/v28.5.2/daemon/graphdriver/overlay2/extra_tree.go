//go:build linux

package overlay2

import (
	"archive/tar"
	"os"

	"github.com/docker/docker/daemon/extrastorage/layertree"
)

// CheckLinkedTree holds a linked layer's directory to the headers of the
// tar its tar-split rebuilds (package layertree); other layers pass.
func (d *Driver) CheckLinkedTree(id string, headers []*tar.Header) error {
	return d.withLinkedDir(id, func(dir *os.File) error {
		return layertree.Check(dir, headers)
	})
}
