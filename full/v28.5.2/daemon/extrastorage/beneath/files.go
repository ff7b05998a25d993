package beneath

import (
	"fmt"
	"io"
	"os"
	"path"
)

// Files serves the files a layer's tar-split names, below the layer's
// directory in the extra storage, when its tar is rebuilt (a save, a push,
// a content check). Neither the store's tar-split nor its contents are
// trusted: a "file" entry whose path holds a symlink to a host file, a
// device node or a FIFO would otherwise be read into the image or block.
// Each path is opened as Path opens it, and nothing but a regular file is
// ever opened for reading.
type Files struct {
	Root *os.File // O_PATH handle of the layer's directory
	Dir  string   // its path, for messages
}

// Get opens name, a tar name (it may start with "./"), for reading.
func (l *Files) Get(name string) (io.ReadCloser, error) {
	wrap := func(err error) error {
		return fmt.Errorf("linked layer data %s, file %q: %w", l.Dir, name, err)
	}
	// A handle first, not following a final symlink: opening a device node
	// or a FIFO for reading can already have effects (or wait for a writer).
	// Only a regular file is then opened for reading, as the very inode
	// checked.
	h, err := Path(l.Root, path.Clean(name))
	if err != nil {
		return nil, wrap(err)
	}
	defer h.Close()
	fi, err := h.Stat()
	if err != nil {
		return nil, wrap(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, wrap(fmt.Errorf("is a %s, not the regular file its tar-split names (the extra storage is inconsistent)", Kind(fi.Mode())))
	}
	f, err := Reopen(h)
	if err != nil {
		return nil, wrap(err)
	}
	return f, nil
}

// Close closes the directory handle.
func (l *Files) Close() error {
	return l.Root.Close()
}
