// Package storetest builds extra stores in tests: a dockerd overlay2
// data-root with one chain of layers, each holding one file, crafted in
// code.
package storetest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"
)

// Store is a store built by New.
type Store struct {
	Root     string
	DiffIDs  []digest.Digest
	ChainIDs []digest.Digest
	CacheIDs []string
}

// New builds a store of n layers below a fresh temporary directory. Layer
// i holds the file "layer-i" with the content "data-i"; its diffID and
// tar-split are those of the real tar, so its content can be verified.
func New(t *testing.T, n int) *Store {
	t.Helper()
	s := &Store{Root: t.TempDir()}
	WriteFile(t, filepath.Join(s.Root, "image/overlay2/repositories.json"), `{"Repositories":{}}`)
	for i := range n {
		name, content := fmt.Sprintf("layer-%d", i), fmt.Sprintf("data-%d", i)
		diffID, tarSplit := layerTar(t, name, content)
		s.DiffIDs = append(s.DiffIDs, diffID)
		s.CacheIDs = append(s.CacheIDs, hexOf(fmt.Sprintf("cache-%d", i)))
		s.ChainIDs = append(s.ChainIDs, identity.ChainID(s.DiffIDs))
		dir := s.LayerDir(i)
		WriteFile(t, filepath.Join(dir, "cache-id"), s.CacheIDs[i])
		WriteFile(t, filepath.Join(dir, "diff"), s.DiffIDs[i].String())
		WriteFile(t, filepath.Join(dir, "size"), "6")
		WriteFile(t, filepath.Join(dir, "tar-split.json.gz"), tarSplit)
		if i > 0 {
			WriteFile(t, filepath.Join(dir, "parent"), s.ChainIDs[i-1].String())
		}
		WriteFile(t, filepath.Join(s.DataDir(i), name), content)
	}
	return s
}

// LayerDir is layerdb/sha256/<chain ID> of layer i.
func (s *Store) LayerDir(i int) string {
	return filepath.Join(s.Root, "image/overlay2/layerdb/sha256", s.ChainIDs[i].Encoded())
}

// DataDir is overlay2/<cache-id>/diff of layer i.
func (s *Store) DataDir(i int) string {
	return filepath.Join(s.Root, "overlay2", s.CacheIDs[i], "diff")
}

// WriteFile writes content at path, making its directories.
func WriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// layerTar returns the diffID of a layer tar holding one file, and the
// gzip-compressed tar-split dockerd would have kept of it.
func layerTar(t *testing.T, name, content string) (digest.Digest, string) {
	t.Helper()
	var layer, ts bytes.Buffer
	tw := tar.NewWriter(&layer)
	hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}
	if err := tw.WriteHeader(hdr); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(&ts)
	r, err := asm.NewInputTarStream(bytes.NewReader(layer.Bytes()), storage.NewJSONPacker(zw), storage.NewDiscardFilePutter())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return digest.FromBytes(layer.Bytes()), ts.String()
}
