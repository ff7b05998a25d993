//go:build !linux

package layertree

import (
	"archive/tar"
	"errors"
	"os"
)

// Check is only implemented on Linux, where layers are linked.
func Check(root *os.File, headers []*tar.Header) error {
	return errors.New("checking a layer's directory is only supported on Linux")
}
