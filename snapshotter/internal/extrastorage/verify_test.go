package extrastorage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/storetest"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/moby/layer"
)

func TestVerifyHashesTheLayerAgainstItsDiffID(t *testing.T) {
	outside := t.TempDir()
	storetest.WriteFile(t, filepath.Join(outside, "same"), "data-0")
	cases := []struct {
		name    string
		corrupt func(t *testing.T, st *storetest.Store)
		bad     bool
		want    string
	}{
		{name: "content as the tar", corrupt: func(t *testing.T, st *storetest.Store) {}},
		{name: "content changed", bad: true, corrupt: func(t *testing.T, st *storetest.Store) {
			storetest.WriteFile(t, filepath.Join(st.DataDir(0), "layer-0"), "evil-0")
		}},
		{name: "file missing", bad: true, corrupt: func(t *testing.T, st *storetest.Store) {
			assert.NilError(t, os.Remove(filepath.Join(st.DataDir(0), "layer-0")))
		}},
		{name: "file a symlink out of the store", bad: true, corrupt: func(t *testing.T, st *storetest.Store) {
			assert.NilError(t, os.Remove(filepath.Join(st.DataDir(0), "layer-0")))
			assert.NilError(t, os.Symlink(filepath.Join(outside, "same"), filepath.Join(st.DataDir(0), "layer-0")))
		}},
		{name: "file a FIFO", bad: true, corrupt: func(t *testing.T, st *storetest.Store) {
			assert.NilError(t, os.Remove(filepath.Join(st.DataDir(0), "layer-0")))
			assert.NilError(t, mkfifo(filepath.Join(st.DataDir(0), "layer-0")))
		}},
		// The tar hashes the same in the next two: only the directory differs.
		{name: "a file the tar does not name", bad: true, want: "planted: is not in the layer", corrupt: func(t *testing.T, st *storetest.Store) {
			storetest.WriteFile(t, filepath.Join(st.DataDir(0), "planted"), "")
		}},
		{name: "a mode the tar does not give", bad: true, want: "has mode 4755", corrupt: func(t *testing.T, st *storetest.Store) {
			assert.NilError(t, syscall.Chmod(filepath.Join(st.DataDir(0), "layer-0"), 0o4755))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.New(t, 1)
			tc.corrupt(t, st)
			s := New(st.Root, true)
			o, err := s.OpenChain(context.Background(), layer.ChainID(st.ChainIDs[0]), "")
			assert.NilError(t, err)
			defer o.Close()
			err = s.Verify(context.Background(), o)
			if !tc.bad {
				assert.NilError(t, err)
				return
			}
			var bad *BadStoreError
			assert.Assert(t, errors.As(err, &bad), "got %v", err)
			assert.Check(t, is.Equal(bad.Path, st.DataDir(0)))
			assert.Check(t, is.Contains(err.Error(), tc.want))
		})
	}
}
