package extra

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/containerd/v2/core/mount"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/storetest"
)

// reboot empties the state directory as a boot does (a tmpfs).
func reboot(t *testing.T, d dirs) {
	t.Helper()
	unmountAll(t, d.state)
	assert.NilError(t, os.RemoveAll(filepath.Join(d.state, mountsDir)))
}

// TestRestartKeepsLinkedLayers: a new snapshotter on the same root serves
// the layers linked before, mounting them again after a reboot; a layer the
// store changed or lost meanwhile is not mounted, so using it fails instead
// of showing other data.
func TestRestartKeepsLinkedLayers(t *testing.T) {
	requireOverlay(t)
	cases := []struct {
		name     string
		between  func(t *testing.T, d dirs, st *storetest.Store)
		readable bool
	}{
		{"snapshotter restarted", func(t *testing.T, d dirs, st *storetest.Store) {}, true},
		{"host rebooted", func(t *testing.T, d dirs, st *storetest.Store) { reboot(t, d) }, true},
		{"store changed the layer while the host was down", func(t *testing.T, d dirs, st *storetest.Store) {
			reboot(t, d)
			assert.NilError(t, os.Rename(st.DataDir(0), st.DataDir(0)+".old"))
			storetest.WriteFile(t, filepath.Join(st.DataDir(0), "layer-0"), "other")
		}, false},
		{"store lost the layer while the host was down", func(t *testing.T, d dirs, st *storetest.Store) {
			reboot(t, d)
			assert.NilError(t, os.RemoveAll(st.DataDir(0)))
		}, false},
		{"store gone at boot", func(t *testing.T, d dirs, st *storetest.Store) {
			reboot(t, d)
			assert.NilError(t, os.RemoveAll(st.Root))
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.New(t, 2)
			d := newDirs(t)
			sn := open(t, d, st)
			link(t, sn, st, 2)
			assert.NilError(t, sn.Close())

			tc.between(t, d, st)
			sn = open(t, d, st)
			ctx := context.Background()
			top := st.ChainIDs[1].String()
			if tc.readable {
				assert.Check(t, is.DeepEqual(readView(t, sn, top, "layer-0", "layer-1"), []string{"data-0", "data-1"}))
				mounted, err := sn.layerMounted("1")
				assert.NilError(t, err)
				assert.Check(t, mounted)
				return
			}
			// Refused at the View when the layer's directory changed, at the
			// mount when the snapshotter could not mount it again.
			mounts, err := sn.View(ctx, "view", top)
			if err == nil {
				target := t.TempDir()
				if err = mount.All(mounts, target); err == nil {
					mount.UnmountAll(target, 0)
				}
			}
			assert.Check(t, err != nil, "a layer the store changed or lost must not mount")
		})
	}
}

func TestRestartDropsLinksOfRemovedSnapshots(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 1)
	d := newDirs(t)
	sn := open(t, d, st)
	link(t, sn, st, 1)
	id, err := sn.id(context.Background(), st.ChainIDs[0].String())
	assert.NilError(t, err)
	// A Remove cut short after the overlay snapshotter's part.
	assert.NilError(t, sn.Snapshotter.Remove(context.Background(), st.ChainIDs[0].String()))
	assert.NilError(t, sn.Close())

	open(t, d, st)
	_, err = os.Stat(sn.recordPath(id))
	assert.Check(t, os.IsNotExist(err))
	_, err = os.Stat(sn.mountPoint(id))
	assert.Check(t, os.IsNotExist(err))
}
