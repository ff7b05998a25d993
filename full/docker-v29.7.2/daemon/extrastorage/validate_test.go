//go:build linux

package extrastorage

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/opencontainers/go-digest"

	"gotest.tools/v3/assert"
)

func asError[T error](err error, target *T) bool {
	return errors.As(err, target)
}

// TestStoreRefusesBadStores corrupts one file of a good store per case and
// expects a BadStoreError naming that file before anything is returned.
func TestStoreRefusesBadStores(t *testing.T) {
	outside := t.TempDir()
	cases := []struct {
		name    string
		corrupt func(t *testing.T, ts *testStore) string // returns the path the error must name
	}{
		{"cache-id not hex", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(1), "cache-id")
			writeFile(t, p, strings.Repeat("z", 64))
			return p
		}},
		{"cache-id escapes", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(0), "cache-id")
			writeFile(t, p, "../../../../etc")
			return p
		}},
		{"diff differs from config", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(1), "diff")
			writeFile(t, p, ts.diffIDs[0].String())
			return p
		}},
		{"size not an integer", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(0), "size")
			writeFile(t, p, "12kB")
			return p
		}},
		{"size negative", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(0), "size")
			writeFile(t, p, "-1")
			return p
		}},
		{"parent wrong", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(1), "parent")
			writeFile(t, p, ts.chainIDs[1].String())
			return p
		}},
		{"tar-split missing", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(1), "tar-split.json.gz")
			assert.NilError(t, os.Remove(p))
			return p
		}},
		{"layer diff missing", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, "overlay2", ts.cacheIDs[1], "diff")
			assert.NilError(t, os.RemoveAll(p))
			return p
		}},
		{"layer diff is a symlink out of the store", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, "overlay2", ts.cacheIDs[0], "diff")
			assert.NilError(t, os.RemoveAll(p))
			assert.NilError(t, os.Symlink(outside, p))
			return p
		}},
		{"layer directory is a symlink", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, "overlay2", ts.cacheIDs[1])
			assert.NilError(t, os.Rename(p, filepath.Join(outside, "moved")))
			assert.NilError(t, os.Symlink(filepath.Join(outside, "moved"), p))
			return filepath.Join(p, "diff")
		}},
		{"cache-id is a FIFO", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(0), "cache-id")
			assert.NilError(t, os.Remove(p))
			assert.NilError(t, syscall.Mkfifo(p, 0o644))
			return p
		}},
		{"tar-split is a FIFO", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(1), "tar-split.json.gz")
			assert.NilError(t, os.Remove(p))
			assert.NilError(t, syscall.Mkfifo(p, 0o644))
			return p
		}},
		{"size past a petabyte (shown as -2B before)", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(0), "size")
			writeFile(t, p, "9223372036854775807")
			return p
		}},
		{"tar-split entry of 2 MiB in one JSON token", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(0), "tar-split.json.gz")
			writeFile(t, p, hugeTokenTarSplit(t, 2<<20))
			return p
		}},
		{"cache-id file is a symlink", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.layerDir(0), "cache-id")
			writeFile(t, filepath.Join(outside, "cid"), ts.cacheIDs[0])
			assert.NilError(t, os.Remove(p))
			assert.NilError(t, os.Symlink(filepath.Join(outside, "cid"), p))
			return p
		}},
		{"layerdb entry missing", func(t *testing.T, ts *testStore) string {
			p := ts.layerDir(1)
			assert.NilError(t, os.RemoveAll(p))
			return p
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestStore(t, 2)
			want := tc.corrupt(t, ts)
			img, err := lookup(t, ts.root, "example.com/demo/app:1.0")
			assert.Assert(t, img == nil)
			var bad *BadStoreError
			assert.Assert(t, asError(err, &bad), "%v", err)
			assert.Equal(t, bad.Path, want)
		})
	}
}

func TestStoreRefusesBadImageMetadata(t *testing.T) {
	cases := []struct {
		name    string
		corrupt func(t *testing.T, ts *testStore) string
	}{
		{"config does not match its digest", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, graphDir, "imagedb/content/sha256", ts.imageID.Encoded())
			writeFile(t, p, `{"rootfs":{"type":"layers","diff_ids":[]}}`)
			return p
		}},
		{"repositories.json not JSON", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, graphDir, "repositories.json")
			writeFile(t, p, "{")
			return p
		}},
		{"image ID not a digest", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, graphDir, "repositories.json")
			writeFile(t, p, `{"Repositories":{"example.com/demo/app":{"example.com/demo/app:1.0":"../../x"}}}`)
			return p
		}},
		{"one name, two image IDs", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, graphDir, "repositories.json")
			other := "sha256:" + strings.Repeat("a", 64)
			writeFile(t, p, fmt.Sprintf(`{"Repositories":{"example.com/demo/app":{"example.com/demo/app:1.0":%q},"x":{"example.com/demo/app:1.0":%q}}}`, ts.imageID, other))
			return p
		}},
		// A diffID becomes a chain ID and a chain ID a directory of the
		// local layer store: anything but sha256 and 64 hex is refused where
		// it enters (and "nocolon" used to panic the API handler).
		{"diffID leaving the layer store", func(t *testing.T, ts *testStore) string {
			return writeConfig(t, ts, `["sha256:../../../../volumes/x"]`)
		}},
		{"diffID without a colon", func(t *testing.T, ts *testStore) string {
			return writeConfig(t, ts, `["nocolon"]`)
		}},
		{"diffID in upper case", func(t *testing.T, ts *testStore) string {
			return writeConfig(t, ts, `["sha256:`+strings.Repeat("A", 64)+`"]`)
		}},
		{"diffID of another algorithm", func(t *testing.T, ts *testStore) string {
			return writeConfig(t, ts, `["sha512:`+strings.Repeat("a", 128)+`"]`)
		}},
		{"no layers", func(t *testing.T, ts *testStore) string {
			return writeConfig(t, ts, `[]`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestStore(t, 1)
			want := tc.corrupt(t, ts)
			_, err := lookup(t, ts.root, "example.com/demo/app:1.0")
			var bad *BadStoreError
			assert.Assert(t, asError(err, &bad), "%v", err)
			assert.Equal(t, bad.Path, want)
		})
	}
}

// writeConfig stores an image config with the given diff_ids (JSON) under
// its own digest and points the demo name at it; it returns the config path.
func writeConfig(t *testing.T, ts *testStore, diffIDs string) string {
	t.Helper()
	config := `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":` + diffIDs + `}}`
	id := digest.FromString(config)
	p := filepath.Join(ts.root, graphDir, "imagedb/content/sha256", id.Encoded())
	writeFile(t, p, config)
	writeFile(t, filepath.Join(ts.root, graphDir, "repositories.json"), fmt.Sprintf(
		`{"Repositories":{"example.com/demo/app":{"example.com/demo/app:1.0":%q}}}`, id))
	return p
}

// hugeTokenTarSplit is a small gzip holding one tar-split entry whose name
// is a single JSON string of n bytes.
func hugeTokenTarSplit(t *testing.T, n int) string {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	assert.NilError(t, err)
	_, err = zw.Write([]byte(`{"type":1,"name":"`))
	assert.NilError(t, err)
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for left := n; left > 0; left -= len(chunk) {
		_, err = zw.Write(chunk[:min(left, len(chunk))])
		assert.NilError(t, err)
	}
	_, err = zw.Write([]byte(`","size":4}` + "\n"))
	assert.NilError(t, err)
	assert.NilError(t, zw.Close())
	return buf.String()
}
