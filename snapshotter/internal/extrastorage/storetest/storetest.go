// Package storetest builds extra stores in tests: a dockerd overlay2
// data-root with one chain of layers, each holding one file, crafted in
// code.
package storetest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
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
// i holds the file "layer-i" with the content "data-i".
func New(t *testing.T, n int) *Store {
	t.Helper()
	s := &Store{Root: t.TempDir()}
	WriteFile(t, filepath.Join(s.Root, "image/overlay2/repositories.json"), `{"Repositories":{}}`)
	for i := range n {
		s.DiffIDs = append(s.DiffIDs, digest.Digest("sha256:"+hexOf(fmt.Sprintf("diff-%d", i))))
		s.CacheIDs = append(s.CacheIDs, hexOf(fmt.Sprintf("cache-%d", i)))
		s.ChainIDs = append(s.ChainIDs, identity.ChainID(s.DiffIDs))
		dir := s.LayerDir(i)
		WriteFile(t, filepath.Join(dir, "cache-id"), s.CacheIDs[i])
		WriteFile(t, filepath.Join(dir, "diff"), s.DiffIDs[i].String())
		WriteFile(t, filepath.Join(dir, "size"), "6")
		WriteFile(t, filepath.Join(dir, "tar-split.json.gz"), tarSplit(t, fmt.Sprintf("layer-%d", i)))
		if i > 0 {
			WriteFile(t, filepath.Join(dir, "parent"), s.ChainIDs[i-1].String())
		}
		WriteFile(t, filepath.Join(s.DataDir(i), fmt.Sprintf("layer-%d", i)), fmt.Sprintf("data-%d", i))
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

// tarSplit is a gzip-compressed tar-split with one file entry.
func tarSplit(t *testing.T, name string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	e := storage.Entry{Type: storage.FileType, Size: 6}
	e.SetName(name)
	if _, err := storage.NewJSONPacker(zw).AddEntry(e); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
