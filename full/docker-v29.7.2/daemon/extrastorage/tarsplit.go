package extrastorage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/vbatts/tar-split/tar/storage"
)

const (
	// Bounds on the work and memory spent on a store's tar-split. A layer
	// of a million files has about as many entries of a few hundred bytes;
	// an entry holds one tar header (long names and xattrs included) in
	// base64, far below maxTarSplitEntry. The bound on one entry is what
	// keeps a single huge JSON token from being buffered whole.
	maxTarSplitEntries  = 1 << 22
	maxTarSplitEntry    = 1 << 20
	maxTarSplitUnpacked = 1 << 30
)

var errTarSplitTooLarge = errors.New("unpacked tar-split too large")

// checkTarSplit validates a gzip-compressed tar-split from the store, in one
// pass, one entry (one line) at a time. `docker save` rebuilds the layer tar
// by opening each file entry's name below the layer directory, so a name
// that is not local (`../../etc/shadow`) would read host files: such a
// tar-split is refused.
func checkTarSplit(data []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not gzip: %w", err)
	}
	defer zr.Close()
	br := bufio.NewReaderSize(&capReader{r: zr, left: maxTarSplitUnpacked}, maxTarSplitEntry)
	for n := 0; ; n++ {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("entry %d is longer than %d bytes", n, maxTarSplitEntry)
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("entry %d: %w", n, err)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if n >= maxTarSplitEntries {
				return fmt.Errorf("more than %d entries", maxTarSplitEntries)
			}
			if err := checkTarSplitEntry(n, line); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

func checkTarSplitEntry(n int, line []byte) error {
	var e storage.Entry
	if err := json.Unmarshal(line, &e); err != nil {
		return fmt.Errorf("entry %d: %w", n, err)
	}
	if e.Type != storage.FileType {
		return nil
	}
	if name := e.GetName(); !filepath.IsLocal(filepath.Clean(name)) {
		return fmt.Errorf("file entry %q is not a path inside the layer", name)
	}
	if e.Size < 0 {
		return fmt.Errorf("file entry %q has a negative size", e.GetName())
	}
	return nil
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
