package extra

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/storetest"
)

// TestUseOfALinkedLayerTheStoreChangedIsRefused: once the store replaces or
// removes a linked layer's directory, a container on it is refused at its
// Prepare, its View and the Mounts of its start, naming the layer and the
// fix; a layer left as it was serves on.
func TestUseOfALinkedLayerTheStoreChangedIsRefused(t *testing.T) {
	requireOverlay(t)
	cases := []struct {
		name   string
		change func(t *testing.T, st *storetest.Store)
		says   string // "" when the layer still serves
	}{
		{"left as linked", func(t *testing.T, st *storetest.Store) {}, ""},
		{"file added in place", func(t *testing.T, st *storetest.Store) {
			storetest.WriteFile(t, filepath.Join(st.DataDir(0), "planted"), "planted")
		}, "was replaced in the store since the pull"},
		{"republished (an identical copy renamed over it)", func(t *testing.T, st *storetest.Store) {
			dir := st.DataDir(0)
			assert.NilError(t, os.Rename(dir, dir+".old"))
			assert.NilError(t, os.Mkdir(dir, 0o755))
			storetest.WriteFile(t, filepath.Join(dir, "layer-0"), "data-0")
		}, "was replaced in the store since the pull"},
		{"removed", func(t *testing.T, st *storetest.Store) {
			assert.NilError(t, os.RemoveAll(st.DataDir(0)))
		}, "has vanished from the store"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.New(t, 2)
			sn := open(t, newDirs(t), st)
			link(t, sn, st, 2)
			ctx := context.Background()
			top := st.ChainIDs[1].String()
			_, err := sn.Prepare(ctx, "started-before", top)
			assert.NilError(t, err)

			tc.change(t, st)

			_, prepareErr := sn.Prepare(ctx, "container", top)
			_, viewErr := sn.View(ctx, "view", top)
			_, mountsErr := sn.Mounts(ctx, "started-before")
			for what, err := range map[string]error{"Prepare": prepareErr, "View": viewErr, "Mounts": mountsErr} {
				if tc.says == "" {
					assert.Check(t, err, "%s", what)
					continue
				}
				assert.Check(t, is.ErrorContains(err, tc.says), what)
				assert.Check(t, is.ErrorContains(err, st.ChainIDs[0].String()), what)
				assert.Check(t, is.ErrorContains(err, "docker rmi"), what)
				assert.Check(t, errdefs.IsFailedPrecondition(err), "%s: %v", what, err)
			}
		})
	}
}

// TestLinkedLayersKeepTheirGeneration: a store published in generations
// (current -> generations/NAME) links each layer in the generation it was
// read from; publishing the next generation leaves those layers in use, and
// pruning theirs refuses them.
func TestLinkedLayersKeepTheirGeneration(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 2)
	export := t.TempDir()
	gen := func(name string) string { return filepath.Join(export, "generations", name) }
	publish := func(name string) {
		t.Helper()
		assert.NilError(t, os.MkdirAll(filepath.Join(export, "generations"), 0o755))
		assert.NilError(t, exec.Command("cp", "-a", st.Root, gen(name)).Run())
		current := filepath.Join(export, "current")
		assert.NilError(t, os.Symlink("generations/"+name, current+".new"))
		assert.NilError(t, os.Rename(current+".new", current))
	}
	publish("g1")
	d := newDirs(t)
	ctx := context.Background()
	sn, err := New(ctx, Config{Root: d.root, State: d.state, Store: extrastorage.New(export, true)})
	assert.NilError(t, err)
	t.Cleanup(func() { sn.Close() })
	link(t, sn, st, 2)
	top := st.ChainIDs[1].String()
	for i := range 2 {
		info, err := sn.Stat(ctx, st.ChainIDs[i].String())
		assert.NilError(t, err)
		assert.Check(t, strings.HasPrefix(info.Labels[LabelSource], gen("g1")+"/"), info.Labels[LabelSource])
	}

	publish("g2")
	assert.Check(t, is.DeepEqual(readView(t, sn, top, "layer-0", "layer-1"), []string{"data-0", "data-1"}))

	assert.NilError(t, os.RemoveAll(gen("g1")))
	_, err = sn.View(ctx, "after-prune", top)
	assert.Check(t, is.ErrorContains(err, "has vanished from the store"))
	assert.Check(t, is.ErrorContains(err, gen("g1")))
}
