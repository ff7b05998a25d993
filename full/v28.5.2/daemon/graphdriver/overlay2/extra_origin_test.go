//go:build linux

package overlay2

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/docker/docker/daemon/extrastorage/origin"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestGetRefusalNamesImageAndLayer links a layer from a store generation,
// changes the store under it and starts a container (Get of its RW layer):
// the refusal is an origin.ChangedError naming every image pulled with the
// layer, the layer and the generation, also after a daemon restart.
func TestGetRefusalNamesImageAndLayer(t *testing.T) {
	tests := []struct {
		name    string
		change  func(t *testing.T, root, rel string)
		problem origin.Problem
	}{
		{
			name: "generation pruned",
			change: func(t *testing.T, root, rel string) {
				assert.NilError(t, os.RemoveAll(filepath.Join(root, "generations")))
			},
			problem: origin.Vanished,
		},
		{
			name: "diff replaced by a copy (another inode)",
			change: func(t *testing.T, root, rel string) {
				diff := filepath.Join(root, rel)
				assert.NilError(t, os.Rename(diff, diff+".old"))
				assert.NilError(t, os.Mkdir(diff, 0o755))
				assert.NilError(t, os.WriteFile(filepath.Join(diff, "file"), []byte("x"), 0o644))
			},
			problem: origin.Changed,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newExtraTestDriver(t)
			root := t.TempDir()
			rel := "generations/2-20261206T170000Z/overlay2/cacheid/diff"
			assert.NilError(t, os.MkdirAll(filepath.Join(root, rel), 0o755))
			_, err := d.CreateFromExternalDiff("base", "", root, rel, origin.Layer{
				ChainID: "sha256:chain", DiffID: "sha256:diff", Generation: "2-20261206T170000Z", Images: []string{"app:1-extra"},
			})
			assert.NilError(t, err)
			o, added, err := d.AddLinkedImage("base", "other:2-extra")
			assert.NilError(t, err)
			assert.Check(t, added)
			assert.DeepEqual(t, o.Images, []string{"app:1-extra", "other:2-extra"})
			assert.NilError(t, d.CreateReadWrite("rw", "base", nil))

			tc.change(t, root, rel)

			restarted := &Driver{home: d.home, ctr: d.ctr, locker: d.locker, idMap: d.idMap}
			for _, drv := range []*Driver{d, restarted} {
				// A pull reusing the layer is refused the same way.
				var changed *origin.ChangedError
				assert.Check(t, errors.As(drv.CheckLinked("base"), &changed))
				_, err = drv.Get("rw", "")
				assert.Assert(t, errors.As(err, &changed), "%v", err)
				assert.Equal(t, changed.Problem, tc.problem)
				assert.DeepEqual(t, changed.Layer.Images, []string{"app:1-extra", "other:2-extra"})
				assert.Equal(t, changed.Layer.ChainID, "sha256:chain")
				assert.Equal(t, changed.Layer.Source, filepath.Join(root, rel))
				assert.Check(t, is.ErrorContains(err, "generation 2-20261206T170000Z"))
			}
		})
	}
}

// TestAddLinkedImageLeavesOtherLayersAlone: only linked layers with a
// recorded origin take image names.
func TestAddLinkedImageLeavesOtherLayersAlone(t *testing.T) {
	d := newExtraTestDriver(t)
	assert.NilError(t, d.Create("plain", "", nil))
	_, added, err := d.AddLinkedImage("plain", "app:1")
	assert.NilError(t, err)
	assert.Check(t, !added)
	assert.NilError(t, d.CheckLinked("plain"))
}
