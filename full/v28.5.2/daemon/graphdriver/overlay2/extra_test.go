//go:build linux

package overlay2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/sys/user"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// newExtraTestDriver returns an overlay2 driver in a temp dir, skipping
// where overlayfs cannot be mounted (not root, unsupported backing fs).
func newExtraTestDriver(t *testing.T) *Driver {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("overlay2 needs root")
	}
	drv, err := Init(filepath.Join(t.TempDir(), "overlay2"), nil, user.IdentityMapping{})
	if err != nil {
		t.Skipf("overlay2 not supported here: %v", err)
	}
	t.Cleanup(func() { _ = drv.Cleanup() })
	return drv.(*Driver)
}

func TestCreateFromExternalDiffLinksWithoutCopying(t *testing.T) {
	d := newExtraTestDriver(t)
	external := t.TempDir()
	assert.NilError(t, os.WriteFile(filepath.Join(external, "file"), []byte("from the store"), 0o644))

	assert.NilError(t, d.CreateFromExternalDiff("base", "", external))
	target, err := os.Readlink(filepath.Join(d.dir("base"), diffDirName))
	assert.NilError(t, err)
	assert.Equal(t, target, external)

	assert.NilError(t, d.CreateReadWrite("rw", "base", nil))
	merged, err := d.Get("rw", "")
	assert.NilError(t, err)
	data, err := os.ReadFile(filepath.Join(merged, "file"))
	assert.NilError(t, err)
	assert.Equal(t, string(data), "from the store")
	assert.NilError(t, os.WriteFile(filepath.Join(merged, "file"), []byte("changed"), 0o644))
	assert.NilError(t, d.Put("rw"))

	// Writes went to the container layer; removing the linked layer removes
	// the link only.
	assert.NilError(t, d.Remove("rw"))
	assert.NilError(t, d.Remove("base"))
	data, err = os.ReadFile(filepath.Join(external, "file"))
	assert.NilError(t, err)
	assert.Equal(t, string(data), "from the store")
}

func TestGetNamesAMissingExternalDiff(t *testing.T) {
	d := newExtraTestDriver(t)
	external := filepath.Join(t.TempDir(), "layer")
	assert.NilError(t, os.MkdirAll(external, 0o755))
	assert.NilError(t, d.CreateFromExternalDiff("base", "", external))
	assert.NilError(t, d.CreateReadWrite("rw", "base", nil))
	assert.NilError(t, os.RemoveAll(external))

	_, err := d.Get("rw", "")
	assert.Check(t, is.ErrorContains(err, external))
	assert.Check(t, is.ErrorContains(err, "extra storage not mounted"))
}

func TestCreateFromExternalDiffRefusesRelativePaths(t *testing.T) {
	d := newExtraTestDriver(t)
	err := d.CreateFromExternalDiff("base", "", "relative/diff")
	assert.Check(t, is.ErrorContains(err, "must be an absolute path"))
	assert.Check(t, !d.Exists("base"))
}

// TestGetRefusesAChangedExternalDiff changes the store after the layer was
// linked; every mount of it (as the container's lower layer, or the base
// layer itself) must then fail with an error naming the linked path.
func TestGetRefusesAChangedExternalDiff(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, store, layerDir string)
		want   string // "" = mount succeeds
	}{
		{name: "unchanged", change: func(t *testing.T, store, layerDir string) {}},
		{
			name: "diff swapped for a symlink to the host root",
			change: func(t *testing.T, store, layerDir string) {
				diff := filepath.Join(layerDir, "diff")
				assert.NilError(t, os.RemoveAll(diff))
				assert.NilError(t, os.Symlink("/", diff))
			},
			want: "now resolves to /",
		},
		{
			name: "parent directory swapped for a symlink",
			change: func(t *testing.T, store, layerDir string) {
				elsewhere := filepath.Join(store, "elsewhere")
				assert.NilError(t, os.MkdirAll(filepath.Join(elsewhere, "diff"), 0o755))
				assert.NilError(t, os.RemoveAll(layerDir))
				assert.NilError(t, os.Symlink(elsewhere, layerDir))
			},
			want: "extra storage was changed",
		},
		{
			name: "diff removed",
			change: func(t *testing.T, store, layerDir string) {
				assert.NilError(t, os.RemoveAll(filepath.Join(layerDir, "diff")))
			},
			want: "extra storage not mounted",
		},
		{
			// ENOTDIR stands in for ESTALE/EIO/ENOTCONN: any error, not
			// only ENOENT, must give the extra storage message.
			name: "parent directory replaced by a file",
			change: func(t *testing.T, store, layerDir string) {
				assert.NilError(t, os.RemoveAll(layerDir))
				assert.NilError(t, os.WriteFile(layerDir, nil, 0o644))
			},
			want: "extra storage not mounted or failing",
		},
		{
			name: "parent directory replaced by a symlink loop",
			change: func(t *testing.T, store, layerDir string) {
				assert.NilError(t, os.RemoveAll(layerDir))
				assert.NilError(t, os.Symlink(layerDir, layerDir))
			},
			want: "extra storage not mounted or failing",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newExtraTestDriver(t)
			store := t.TempDir()
			layerDir := filepath.Join(store, "overlay2", "cacheid")
			external := filepath.Join(layerDir, "diff")
			assert.NilError(t, os.MkdirAll(external, 0o755))
			assert.NilError(t, d.CreateFromExternalDiff("base", "", external))
			assert.NilError(t, d.CreateReadWrite("rw", "base", nil))

			tc.change(t, store, layerDir)

			for _, id := range []string{"rw", "base"} {
				_, err := d.Get(id, "")
				if tc.want == "" {
					assert.NilError(t, err, id)
					assert.NilError(t, d.Put(id))
					continue
				}
				assert.Check(t, is.ErrorContains(err, tc.want), id)
				assert.Check(t, is.ErrorContains(err, external), id)
			}
		})
	}
}

func TestCreateFromExternalDiffRefusesUnresolvedPaths(t *testing.T) {
	d := newExtraTestDriver(t)
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	assert.NilError(t, os.Symlink(real, link))
	err := d.CreateFromExternalDiff("base", "", link)
	assert.Check(t, is.ErrorContains(err, "must be a resolved path"))
	assert.Check(t, !d.Exists("base"))
}
