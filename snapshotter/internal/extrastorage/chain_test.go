package extrastorage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/storetest"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/moby/layer"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestOpenChainServesAValidLayer(t *testing.T) {
	st := storetest.New(t, 2)
	for i, parent := range []layer.ChainID{"", layer.ChainID(st.ChainIDs[0])} {
		l, err := New(st.Root, false).OpenChain(context.Background(), layer.ChainID(st.ChainIDs[i]), parent)
		assert.NilError(t, err)
		fi, err := l.Dir.Stat()
		assert.NilError(t, err)
		assert.Check(t, fi.IsDir())
		assert.Check(t, is.Equal(l.DiffRel, filepath.Join("overlay2", st.CacheIDs[i], "diff")))
		assert.Check(t, is.Equal(l.DiffID, layer.DiffID(st.DiffIDs[i])))
		assert.Check(t, l.Identity != "")
		assert.NilError(t, l.Close())
	}
}

// TestOpenChainRefusesBadLayers: each case corrupts a good two-layer store
// and asks for layer 1 on top of layer 0 (unless it says otherwise); the
// error is the kind named, about the file named.
func TestOpenChainRefusesBadLayers(t *testing.T) {
	outside := t.TempDir()
	cases := []struct {
		name    string
		corrupt func(t *testing.T, st *storetest.Store) (chain, parent string, path string)
		absent  bool
	}{
		{name: "chain not in the store", absent: true, corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			return "sha256:" + hexOf("nothing"), st.ChainIDs[0].String(), ""
		}},
		{name: "wrong parent asked", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			return st.ChainIDs[1].String(), "", st.LayerDir(1)
		}},
		{name: "layer filed under the wrong chain", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			wrong := filepath.Join(filepath.Dir(st.LayerDir(1)), hexOf("wrong"))
			assert.NilError(t, os.Rename(st.LayerDir(1), wrong))
			return "sha256:" + hexOf("wrong"), st.ChainIDs[0].String(), wrong
		}},
		{name: "diff not a digest", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			p := filepath.Join(st.LayerDir(1), "diff")
			storetest.WriteFile(t, p, "sha256:../../etc")
			return st.ChainIDs[1].String(), st.ChainIDs[0].String(), p
		}},
		{name: "cache-id leaving the store", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			p := filepath.Join(st.LayerDir(1), "cache-id")
			storetest.WriteFile(t, p, "../../../../etc")
			return st.ChainIDs[1].String(), st.ChainIDs[0].String(), p
		}},
		{name: "parent file disagrees", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			p := filepath.Join(st.LayerDir(1), "parent")
			storetest.WriteFile(t, p, "sha256:"+hexOf("other"))
			return st.ChainIDs[1].String(), st.ChainIDs[0].String(), p
		}},
		{name: "data directory missing", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			assert.NilError(t, os.RemoveAll(st.DataDir(1)))
			return st.ChainIDs[1].String(), st.ChainIDs[0].String(), st.DataDir(1)
		}},
		{name: "data directory a symlink out of the store", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			assert.NilError(t, os.RemoveAll(st.DataDir(1)))
			assert.NilError(t, os.Symlink(outside, st.DataDir(1)))
			return st.ChainIDs[1].String(), st.ChainIDs[0].String(), st.DataDir(1)
		}},
		{name: "data directory a file", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			assert.NilError(t, os.RemoveAll(st.DataDir(1)))
			storetest.WriteFile(t, st.DataDir(1), "x")
			return st.ChainIDs[1].String(), st.ChainIDs[0].String(), st.DataDir(1)
		}},
		{name: "layerdb directory a symlink", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			moved := filepath.Join(outside, "moved-"+hexOf(t.Name()))
			assert.NilError(t, os.Rename(st.LayerDir(1), moved))
			assert.NilError(t, os.Symlink(moved, st.LayerDir(1)))
			return st.ChainIDs[1].String(), st.ChainIDs[0].String(), st.LayerDir(1)
		}},
		{name: "size file a FIFO", corrupt: func(t *testing.T, st *storetest.Store) (string, string, string) {
			p := filepath.Join(st.LayerDir(1), "size")
			assert.NilError(t, os.Remove(p))
			assert.NilError(t, mkfifo(p))
			return st.ChainIDs[1].String(), st.ChainIDs[0].String(), p
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.New(t, 2)
			chain, parent, path := tc.corrupt(t, st)
			l, err := New(st.Root, false).OpenChain(context.Background(), layer.ChainID(chain), layer.ChainID(parent))
			assert.Check(t, is.Nil(l))
			if tc.absent {
				var absent *LayerNotInStoreError
				assert.Check(t, errors.As(err, &absent), "got %v", err)
				return
			}
			var bad *BadStoreError
			assert.Assert(t, errors.As(err, &bad), "got %v", err)
			assert.Check(t, is.Equal(bad.Path, path))
		})
	}
}

func TestOpenChainRefusesIDsThatAreNotDigests(t *testing.T) {
	st := storetest.New(t, 1)
	for _, tc := range []struct{ chain, parent string }{
		{"../../etc", ""},
		{"sha256:ABC", ""},
		{st.ChainIDs[0].String(), "sha256:../x"},
	} {
		_, err := New(st.Root, false).OpenChain(context.Background(), layer.ChainID(tc.chain), layer.ChainID(tc.parent))
		assert.Check(t, is.ErrorContains(err, "chain ID"), "chain %q parent %q", tc.chain, tc.parent)
	}
}

func TestOpenChainOnAMissingStoreIsUnavailable(t *testing.T) {
	_, err := New(filepath.Join(t.TempDir(), "absent"), false).OpenChain(context.Background(), layer.ChainID("sha256:"+hexOf("x")), "")
	var unavailable *UnavailableError
	assert.Check(t, errors.As(err, &unavailable), "got %v", err)
}
