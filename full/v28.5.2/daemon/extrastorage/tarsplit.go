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
// tar-split is refused. It returns the size of the tar the tar-split
// rebuilds: its segments' bytes and its files' sizes.
func checkTarSplit(data []byte) (int64, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return 0, fmt.Errorf("not gzip: %w", err)
	}
	defer zr.Close()
	var size int64
	br := bufio.NewReaderSize(&capReader{r: zr, left: maxTarSplitUnpacked}, maxTarSplitEntry)
	for n := 0; ; n++ {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return 0, fmt.Errorf("entry %d is longer than %d bytes", n, maxTarSplitEntry)
		}
		if err != nil && err != io.EOF {
			return 0, fmt.Errorf("entry %d: %w", n, err)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if n >= maxTarSplitEntries {
				return 0, fmt.Errorf("more than %d entries", maxTarSplitEntries)
			}
			entrySize, err := checkTarSplitEntry(n, line)
			if err != nil {
				return 0, err
			}
			if size += entrySize; size > maxLayerSize {
				return 0, fmt.Errorf("the tar it describes is larger than %d bytes", int64(maxLayerSize))
			}
		}
		if err == io.EOF {
			return size, nil
		}
	}
}

// checkTarSplitEntry checks one entry and returns how many bytes of the
// tar it stands for.
func checkTarSplitEntry(n int, line []byte) (int64, error) {
	var e storage.Entry
	if err := json.Unmarshal(line, &e); err != nil {
		return 0, fmt.Errorf("entry %d: %w", n, err)
	}
	if e.Type != storage.FileType {
		return int64(len(e.Payload)), nil
	}
	if name := e.GetName(); !filepath.IsLocal(filepath.Clean(name)) {
		return 0, fmt.Errorf("file entry %q is not a path inside the layer", name)
	}
	if e.Size < 0 || e.Size > maxLayerSize {
		return 0, fmt.Errorf("file entry %q has a size out of range (%d)", e.GetName(), e.Size)
	}
	return e.Size, nil
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
