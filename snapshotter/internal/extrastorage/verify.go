package extrastorage

// The snapshotter's own file: "verify": "content" for a layer served by
// chain ID. The layer's tar is rebuilt from the store's tar-split and the
// files of the opened data directory, and hashed against its diffID; then
// the directory is held to the tar's headers (package layertree).

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/beneath"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/layertree"
)

// Verify hashes the layer's content against its diffID, giving up
// after LinkTimeout (a hung store). A mismatch is a BadStoreError naming the
// layer's data directory; nothing is copied.
func (s *Store) Verify(ctx context.Context, o *OpenedLayer) error {
	limit := LinkTimeout(o.Size, true)
	answered, err := withTimeout(limit, func() error { return verifyLayer(o) })
	if !answered {
		return &TimeoutError{Path: s.path, After: limit}
	}
	if err != nil {
		return badStore(filepath.Join(s.path, o.DiffRel), "content: %v", err)
	}
	return ctx.Err()
}

func verifyLayer(o *OpenedLayer) error {
	zr, err := gzip.NewReader(bytes.NewReader(o.TarSplit))
	if err != nil {
		return err
	}
	defer zr.Close()
	digester := digest.SHA256.Digester()
	// Not closed here: o.Dir belongs to the opened layer.
	fg := &beneath.Files{Root: o.Dir, Dir: beneath.FdPath(o.Dir)}
	headers, err := layertree.Headers(func(w io.Writer) error {
		return asm.WriteOutputTarStream(fg, storage.NewJSONUnpacker(zr), io.MultiWriter(digester.Hash(), w))
	})
	if err != nil {
		return err
	}
	if got := digester.Digest(); got != digest.Digest(o.DiffID) {
		return fmt.Errorf("the layer's tar hashes to %s, not its diffID %s", got, o.DiffID)
	}
	// The headers come from the tar-split; what a container sees comes
	// from the directory.
	return layertree.Check(o.Dir, headers)
}
