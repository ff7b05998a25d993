package extrastorage

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/vbatts/tar-split/tar/storage"
)

const (
	// maxTarSplitEntries and maxTarSplitUnpacked bound the work spent on a
	// store's tar-split (a layer of a million files has about as many
	// entries, each a few hundred bytes of JSON).
	maxTarSplitEntries  = 1 << 22
	maxTarSplitUnpacked = 2 << 30
)

var errTarSplitTooLarge = errors.New("unpacked tar-split too large")

// checkTarSplit validates a gzip-compressed tar-split from the store.
// `docker save` rebuilds the layer tar by opening each file entry's name
// below the layer directory, so a name that is not local (`../../etc/shadow`,
// `../../dev/zero`) would read host files: such a tar-split is refused.
func checkTarSplit(data []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not gzip: %w", err)
	}
	defer zr.Close()
	up := storage.NewJSONUnpacker(&capReader{r: zr, left: maxTarSplitUnpacked})
	for n := 0; ; n++ {
		if n >= maxTarSplitEntries {
			return fmt.Errorf("more than %d entries", maxTarSplitEntries)
		}
		e, err := up.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("entry %d: %w", n, err)
		}
		if e.Type != storage.FileType {
			continue
		}
		if name := e.GetName(); !filepath.IsLocal(filepath.Clean(name)) {
			return fmt.Errorf("file entry %q is not a path inside the layer", name)
		}
		if e.Size < 0 {
			return fmt.Errorf("file entry %q has a negative size", e.GetName())
		}
	}
}

// capReader fails once more than left bytes were read (a gzip bomb).
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errTarSplitTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
