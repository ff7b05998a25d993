// Package beneath opens files of an untrusted directory tree (the extra
// storage) so that nothing in the tree can redirect the open: no symlink is
// followed at any step, no path leaves the directory, and the caller checks
// the opened descriptor, never the path again.
package beneath

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// ErrUnsupported is returned on systems without the confined opens.
var ErrUnsupported = errors.New("confined opens are only supported on Linux")

// checkRel refuses what must never reach the kernel: an absolute path, "..",
// or an empty name.
func checkRel(rel string) error {
	if rel == "" || !filepath.IsLocal(rel) || filepath.Clean(rel) != rel {
		return fmt.Errorf("%q is not a clean path inside the directory", rel)
	}
	return nil
}

// Kind names a file type in words, for messages.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m&fs.ModeSocket != 0:
		return "socket"
	default:
		return m.Type().String()
	}
}
