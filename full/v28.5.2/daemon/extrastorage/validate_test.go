package extrastorage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
			s := New(ts.root)
			_, img, err := s.ReadImageConfig(ts.imageID)
			assert.NilError(t, err)
			layers, err := s.Layers(img)
			assert.Assert(t, layers == nil)
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
		resolve bool // the error comes from Resolve rather than ReadImageConfig
	}{
		{"config does not match its digest", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, graphDir, "imagedb/content/sha256", ts.imageID.Encoded())
			writeFile(t, p, `{"rootfs":{"type":"layers","diff_ids":[]}}`)
			return p
		}, false},
		{"repositories.json not JSON", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, graphDir, "repositories.json")
			writeFile(t, p, "{")
			return p
		}, true},
		{"image ID not a digest", func(t *testing.T, ts *testStore) string {
			p := filepath.Join(ts.root, graphDir, "repositories.json")
			writeFile(t, p, `{"Repositories":{"example.com/demo/app":{"example.com/demo/app:1.0":"../../x"}}}`)
			return p
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestStore(t, 1)
			want := tc.corrupt(t, ts)
			s := New(ts.root)
			id, err := s.Resolve(demoRef(t, "example.com/demo/app:1.0"))
			if !tc.resolve {
				assert.NilError(t, err)
				_, _, err = s.ReadImageConfig(id)
			}
			var bad *BadStoreError
			assert.Assert(t, asError(err, &bad), "%v", err)
			assert.Equal(t, bad.Path, want)
		})
	}
}
