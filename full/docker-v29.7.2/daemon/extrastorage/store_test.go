//go:build linux

package extrastorage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/distribution/reference"
	"github.com/moby/moby/v2/daemon/internal/layer"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// testStore is a store crafted in code: a dockerd overlay2 data-root with
// one image of n layers named example.com/demo/app:1.0.
type testStore struct {
	root     string
	imageID  digest.Digest
	diffIDs  []layer.DiffID
	chainIDs []layer.ChainID
	cacheIDs []string
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	assert.NilError(t, os.WriteFile(path, []byte(content), 0o644))
}

func newTestStore(t *testing.T, n int) *testStore {
	t.Helper()
	ts := &testStore{root: t.TempDir()}
	for i := 0; i < n; i++ {
		ts.diffIDs = append(ts.diffIDs, layer.DiffID("sha256:"+hexOf(fmt.Sprintf("diff-%d", i))))
		ts.cacheIDs = append(ts.cacheIDs, hexOf(fmt.Sprintf("cache-%d", i)))
	}
	config, err := json.Marshal(map[string]any{
		"architecture": "amd64", "os": "linux",
		"rootfs": map[string]any{"type": "layers", "diff_ids": ts.diffIDs},
	})
	assert.NilError(t, err)
	ts.imageID = digest.FromBytes(config)
	g := filepath.Join(ts.root, graphDir)
	writeFile(t, filepath.Join(g, "imagedb/content/sha256", ts.imageID.Encoded()), string(config))
	writeFile(t, filepath.Join(g, "repositories.json"), fmt.Sprintf(
		`{"Repositories":{"example.com/demo/app":{"example.com/demo/app:1.0":%q}}}`, ts.imageID))
	for i := range ts.diffIDs {
		chainID := layer.ChainID(identity.ChainID(digests(ts.diffIDs[:i+1])))
		ts.chainIDs = append(ts.chainIDs, chainID)
		dir := ts.layerDir(i)
		writeFile(t, filepath.Join(dir, "cache-id"), ts.cacheIDs[i])
		writeFile(t, filepath.Join(dir, "diff"), ts.diffIDs[i].String())
		writeFile(t, filepath.Join(dir, "size"), "1234")
		writeFile(t, filepath.Join(dir, "tar-split.json.gz"), tarSplitGz(t, "file"))
		if i > 0 {
			writeFile(t, filepath.Join(dir, "parent"), ts.chainIDs[i-1].String())
		}
		writeFile(t, filepath.Join(ts.root, "overlay2", ts.cacheIDs[i], "diff", "file"), "data")
	}
	return ts
}

func (ts *testStore) layerDir(i int) string {
	return filepath.Join(ts.root, graphDir, "layerdb/sha256", digest.Digest(ts.chainIDs[i]).Encoded())
}

func demoRef(t *testing.T, s string) reference.NamedTagged {
	t.Helper()
	ref, err := reference.ParseNormalizedNamed(s)
	assert.NilError(t, err)
	tagged, ok := ref.(reference.NamedTagged)
	assert.Assert(t, ok)
	return tagged
}

// lookup resolves the demo image in the store at root.
func lookup(t *testing.T, root, name string) (*Image, error) {
	t.Helper()
	return New(root, false).Lookup(context.Background(), demoRef(t, name))
}

func TestStoreReadsAGoodStore(t *testing.T) {
	ts := newTestStore(t, 3)
	img, err := lookup(t, ts.root, "example.com/demo/app:1.0")
	assert.NilError(t, err)
	assert.Equal(t, img.ID, ts.imageID)
	assert.Equal(t, digest.FromBytes(img.Config), ts.imageID)
	assert.Assert(t, is.Len(img.Layers, 3))
	for i, l := range img.Layers {
		assert.Equal(t, l.ChainID, ts.chainIDs[i])
		assert.Equal(t, l.DiffID, ts.diffIDs[i])
		assert.Equal(t, l.CacheID, ts.cacheIDs[i])
		assert.Equal(t, l.Size, int64(1234))
		assert.Equal(t, l.Root, ts.root)
		assert.Equal(t, l.DiffRel, filepath.Join("overlay2", ts.cacheIDs[i], "diff"))
		assert.Check(t, len(l.TarSplit) > 0)
	}
}

func TestStoreResolvesFamiliarAndFullNames(t *testing.T) {
	ts := newTestStore(t, 1)
	writeFile(t, filepath.Join(ts.root, graphDir, "repositories.json"), fmt.Sprintf(
		`{"Repositories":{"busybox":{"busybox:latest":%q}}}`, ts.imageID))
	for _, name := range []string{"busybox:latest", "docker.io/library/busybox:latest"} {
		img, err := lookup(t, ts.root, name)
		assert.NilError(t, err, name)
		assert.Equal(t, img.ID, ts.imageID)
	}
}

func TestStoreUnknownNameIsNotInStore(t *testing.T) {
	ts := newTestStore(t, 1)
	_, err := lookup(t, ts.root, "example.com/demo/app:2.0")
	var notIn *NotInStoreError
	assert.Assert(t, asError(err, &notIn), "%v", err)
	assert.Equal(t, notIn.Ref, "example.com/demo/app:2.0")
}

func TestStoreMissingIsUnavailable(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "absent"), t.TempDir()} {
		_, err := lookup(t, path, "example.com/demo/app:1.0")
		var unavailable *UnavailableError
		assert.Assert(t, asError(err, &unavailable), "%v", err)
		assert.Equal(t, unavailable.Path, path)
	}
}

func TestStoreAvailableLayersStopsAtTheFirstMissing(t *testing.T) {
	ts := newTestStore(t, 3)
	assert.NilError(t, os.RemoveAll(ts.layerDir(1)))
	layers, err := New(ts.root, false).LookupLayers(context.Background(), ts.diffIDs)
	assert.NilError(t, err)
	assert.Assert(t, is.Len(layers, 1))
	assert.Equal(t, layers[0].ChainID, ts.chainIDs[0])

	writeFile(t, filepath.Join(ts.layerDir(0), "size"), "x")
	_, err = New(ts.root, false).LookupLayers(context.Background(), ts.diffIDs)
	var bad *BadStoreError
	assert.Assert(t, asError(err, &bad), "%v", err)
}

// digests is an independent route to chain IDs (image-spec's identity), so
// that the tests do not check extendChain against itself.
func digests(diffIDs []layer.DiffID) []digest.Digest {
	out := make([]digest.Digest, len(diffIDs))
	for i, d := range diffIDs {
		out[i] = digest.Digest(d)
	}
	return out
}
