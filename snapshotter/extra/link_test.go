package extra

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/containerd/v2/core/mount"
	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/containerd/errdefs"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/storetest"
)

// link asks for the store's layers 0..n-1 as containerd's unpacker does,
// each on the previous one, and checks each is answered "already exists".
func link(t *testing.T, sn *Snapshotter, st *storetest.Store, n int) {
	t.Helper()
	ctx := context.Background()
	parent := ""
	for i := range n {
		chain := st.ChainIDs[i].String()
		_, err := sn.Prepare(ctx, "extract-"+chain, parent, refLabels(chain))
		assert.Assert(t, errdefs.IsAlreadyExists(err), "layer %d: got %v", i, err)
		parent = chain
	}
}

// readView mounts a read-only view of parent and returns the content of
// each of files, "" for a missing one.
func readView(t *testing.T, sn *Snapshotter, parent string, files ...string) []string {
	t.Helper()
	ctx := context.Background()
	key := "view-" + t.Name() + parent
	mounts, err := sn.View(ctx, key, parent)
	assert.NilError(t, err)
	defer sn.Remove(ctx, key)
	target := t.TempDir()
	assert.NilError(t, mount.All(mounts, target))
	defer mount.UnmountAll(target, 0)
	var got []string
	for _, f := range files {
		data, _ := os.ReadFile(filepath.Join(target, f))
		got = append(got, string(data))
	}
	return got
}

func TestPrepareServesStoreLayersAsCommittedSnapshots(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 2)
	sn := open(t, newDirs(t), st)
	link(t, sn, st, 2)

	ctx := context.Background()
	for i := range 2 {
		info, err := sn.Stat(ctx, st.ChainIDs[i].String())
		assert.NilError(t, err)
		assert.Check(t, is.Equal(info.Kind, snapshots.KindCommitted))
		assert.Check(t, is.Equal(info.Labels[snapshots.LabelSnapshotRef], st.ChainIDs[i].String()))
		assert.Check(t, is.Equal(info.Labels[LabelSource], st.DataDir(i)))
	}
	// The active key of each Prepare was committed, so it is gone.
	_, err := sn.Stat(ctx, "extract-"+st.ChainIDs[0].String())
	assert.Check(t, errdefs.IsNotFound(err))

	mounts, err := sn.View(ctx, "view", st.ChainIDs[1].String())
	assert.NilError(t, err)
	lower := lowerdirs(t, mounts)
	assert.Assert(t, is.Len(lower, 2))
	for i, dir := range lower { // lowerdir lists the top layer first
		assertSameDir(t, dir, st.DataDir(1-i))
	}
	assert.Check(t, is.DeepEqual(readView(t, sn, st.ChainIDs[1].String(), "layer-0", "layer-1"), []string{"data-0", "data-1"}))
}

func TestPrepareOnTopOfALinkedLayerIsWritable(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 1)
	sn := open(t, newDirs(t), st)
	link(t, sn, st, 1)
	before := treeOf(t, st.Root)

	ctx := context.Background()
	mounts, err := sn.Prepare(ctx, "container", st.ChainIDs[0].String())
	assert.NilError(t, err)
	target := t.TempDir()
	assert.NilError(t, mount.All(mounts, target))
	assert.NilError(t, os.WriteFile(filepath.Join(target, "layer-0"), []byte("changed"), 0o644))
	assert.NilError(t, os.Remove(filepath.Join(target, "layer-0")))
	assert.NilError(t, mount.UnmountAll(target, 0))
	assert.Check(t, is.Equal(treeOf(t, st.Root), before))
}

// lowerdirs returns the lower directories of an overlay mount, or the
// source of a bind mount.
func lowerdirs(t *testing.T, mounts []mount.Mount) []string {
	t.Helper()
	assert.Assert(t, is.Len(mounts, 1))
	if mounts[0].Type == "bind" {
		return []string{mounts[0].Source}
	}
	for _, o := range mounts[0].Options {
		if v, ok := strings.CutPrefix(o, "lowerdir="); ok {
			return strings.Split(v, ":")
		}
	}
	t.Fatalf("no lowerdir in %v", mounts[0].Options)
	return nil
}

// assertSameDir checks that path leads to the store's directory want.
func assertSameDir(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.Stat(path)
	assert.NilError(t, err)
	w, err := os.Stat(want)
	assert.NilError(t, err)
	assert.Check(t, os.SameFile(got, w), "%s is not the store's %s", path, want)
}

// badStoreCases are store layers that fail validation, each with what a
// refusal says of it.
func badStoreCases(outside string) []struct {
	name    string
	corrupt func(t *testing.T, st *storetest.Store)
	says    string
} {
	return []struct {
		name    string
		corrupt func(t *testing.T, st *storetest.Store)
		says    string
	}{
		{"data directory a symlink out of the store", func(t *testing.T, st *storetest.Store) {
			assert.NilError(t, os.RemoveAll(st.DataDir(0)))
			assert.NilError(t, os.Symlink(outside, st.DataDir(0)))
		}, "symlink"},
		{"cache-id leaving the store", func(t *testing.T, st *storetest.Store) {
			storetest.WriteFile(t, filepath.Join(st.LayerDir(0), "cache-id"), "../../../../"+outside)
		}, "cache-id"},
		{"data directory missing", func(t *testing.T, st *storetest.Store) {
			assert.NilError(t, os.RemoveAll(st.DataDir(0)))
		}, "missing"},
		{"layer filed under another chain", func(t *testing.T, st *storetest.Store) {
			storetest.WriteFile(t, filepath.Join(st.LayerDir(0), "diff"), st.DiffIDs[1].String())
		}, "chain ID"},
		{"content not the layer's (verify content)", func(t *testing.T, st *storetest.Store) {
			storetest.WriteFile(t, filepath.Join(st.DataDir(0), "layer-0"), "evil-0")
		}, "layer-0"},
		{"layer absent", func(t *testing.T, st *storetest.Store) {
			assert.NilError(t, os.RemoveAll(st.LayerDir(0)))
		}, "is not in the extra storage"},
	}
}

// openOnBadStore opens a snapshotter on a two-layer store that corrupt
// broke; chain is the base layer's chain ID.
func openOnBadStore(t *testing.T, corrupt func(t *testing.T, st *storetest.Store)) (d dirs, sn *Snapshotter, chain string) {
	t.Helper()
	st := storetest.New(t, 2)
	corrupt(t, st)
	d = newDirs(t)
	return d, open(t, d, st), st.ChainIDs[0].String()
}

// TestPrepareFallsBackOnABadStoreLayer: a store layer failing validation is
// never exposed; the Prepare makes an ordinary snapshot, so the layer is
// downloaded and applied as without a store.
func TestPrepareFallsBackOnABadStoreLayer(t *testing.T) {
	requireOverlay(t)
	outside := t.TempDir()
	storetest.WriteFile(t, filepath.Join(outside, "secret"), "host")
	for _, tc := range badStoreCases(outside) {
		t.Run(tc.name, func(t *testing.T) {
			d, sn, chain := openOnBadStore(t, tc.corrupt)
			ctx := context.Background()
			mounts, err := sn.Prepare(ctx, "extract-"+chain, "", refLabels(chain))
			assert.NilError(t, err)
			assert.Check(t, is.Len(mounts, 1))
			info, err := sn.Stat(ctx, "extract-"+chain)
			assert.NilError(t, err)
			assert.Check(t, is.Equal(info.Kind, snapshots.KindActive))
			_, err = sn.Stat(ctx, chain)
			assert.Check(t, errdefs.IsNotFound(err))
			entries, err := os.ReadDir(filepath.Join(d.state, mountsDir))
			assert.NilError(t, err)
			assert.Check(t, is.Len(entries, 0))
		})
	}
}

// TestPrepareRequiringALinkSaysWhy: dockerd's NAME:TAG-extra pull asks for
// the store's layer or nothing; a refused layer fails the Prepare with the
// reason, leaving no snapshot and no mount.
func TestPrepareRequiringALinkSaysWhy(t *testing.T) {
	requireOverlay(t)
	outside := t.TempDir()
	storetest.WriteFile(t, filepath.Join(outside, "secret"), "host")
	for _, tc := range badStoreCases(outside) {
		t.Run(tc.name, func(t *testing.T) {
			d, sn, chain := openOnBadStore(t, tc.corrupt)
			ctx := context.Background()
			labels := snapshots.WithLabels(map[string]string{snapshots.LabelSnapshotRef: chain, LabelRequireLink: "true"})
			_, err := sn.Prepare(ctx, "extract-"+chain, "", labels)
			assert.Check(t, is.ErrorContains(err, chain))
			assert.Check(t, is.ErrorContains(err, tc.says))
			assert.Check(t, errdefs.IsFailedPrecondition(err) || errdefs.IsUnavailable(err), "%v", err)
			for _, key := range []string{"extract-" + chain, chain} {
				_, err = sn.Stat(ctx, key)
				assert.Check(t, errdefs.IsNotFound(err), "%s: %v", key, err)
			}
			entries, err := os.ReadDir(filepath.Join(d.state, mountsDir))
			assert.NilError(t, err)
			assert.Check(t, is.Len(entries, 0))
		})
	}
}

func TestPrepareWithoutAStoreIsOrdinary(t *testing.T) {
	requireOverlay(t)
	sn := open(t, newDirs(t), nil)
	chain := storetest.New(t, 1).ChainIDs[0].String()
	_, err := sn.Prepare(context.Background(), "extract-"+chain, "", refLabels(chain))
	assert.NilError(t, err)
}

func TestRemoveLeavesTheStoreIntact(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 2)
	d := newDirs(t)
	sn := open(t, d, st)
	before := treeOf(t, st.Root)
	link(t, sn, st, 2)

	ctx := context.Background()
	_, err := sn.View(ctx, "view", st.ChainIDs[1].String())
	assert.NilError(t, err)
	assert.NilError(t, sn.Remove(ctx, "view"))
	assert.Check(t, errdefs.IsFailedPrecondition(sn.Remove(ctx, st.ChainIDs[0].String())), "a parent is not removed before its child")
	assert.NilError(t, sn.Remove(ctx, st.ChainIDs[1].String()))
	assert.NilError(t, sn.Remove(ctx, st.ChainIDs[0].String()))
	assert.NilError(t, sn.Cleanup(ctx))

	assert.Check(t, is.Equal(treeOf(t, st.Root), before))
	for _, dir := range []string{filepath.Join(d.state, mountsDir), filepath.Join(d.root, recordsDir)} {
		entries, err := os.ReadDir(dir)
		assert.NilError(t, err)
		assert.Check(t, is.Len(entries, 0), dir)
	}
}

// TestPrepareOfALinkedLayerAgainLeavesOneLink: a second request for a layer
// already linked under the same name is answered "already exists" and
// leaves neither a second mount nor an active snapshot.
func TestPrepareOfALinkedLayerAgainLeavesOneLink(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 1)
	d := newDirs(t)
	sn := open(t, d, st)
	link(t, sn, st, 1)
	chain := st.ChainIDs[0].String()
	_, err := sn.Prepare(context.Background(), "extract-again "+chain, "", refLabels(chain))
	assert.Check(t, errdefs.IsAlreadyExists(err), "got %v", err)

	_, err = sn.Stat(context.Background(), "extract-again "+chain)
	assert.Check(t, errdefs.IsNotFound(err))
	entries, err := os.ReadDir(filepath.Join(d.state, mountsDir))
	assert.NilError(t, err)
	assert.Check(t, is.Len(entries, 1))
	records, err := os.ReadDir(filepath.Join(d.root, recordsDir))
	assert.NilError(t, err)
	assert.Check(t, is.Len(records, 1))
}

// TestTrustedStoreIsLinkedWithoutHashing: with "verify": "trusted" the
// administrator vouches for the content; the structure is still checked.
func TestTrustedStoreIsLinkedWithoutHashing(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 1)
	storetest.WriteFile(t, filepath.Join(st.DataDir(0), "layer-0"), "trust-")
	d := newDirs(t)
	sn, err := New(context.Background(), Config{Root: d.root, State: d.state, Store: extrastorage.New(st.Root, false)})
	assert.NilError(t, err)
	t.Cleanup(func() { sn.Close() })
	link(t, sn, st, 1)
	assert.Check(t, is.DeepEqual(readView(t, sn, st.ChainIDs[0].String(), "layer-0"), []string{"trust-"}))
}
