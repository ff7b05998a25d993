//go:build linux

package overlay2

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/daemon/extrastorage/origin"
	"github.com/moby/sys/user"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// newExtraTestDriver returns an overlay2 driver in a temp dir, skipping
// where overlayfs cannot be mounted (not root, unsupported backing fs).
func newExtraTestDriver(t testing.TB) *Driver {
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

// testStore makes a store root with one layer directory (rel) holding files.
func testStore(t *testing.T, files map[string]string) (root, rel string) {
	t.Helper()
	root = t.TempDir()
	rel = "overlay2/cacheid/diff"
	assert.NilError(t, os.MkdirAll(filepath.Join(root, rel), 0o755))
	for name, content := range files {
		p := filepath.Join(root, rel, name)
		assert.NilError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		assert.NilError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return root, rel
}

func readMerged(t *testing.T, d *Driver, id, name string) (string, error) {
	t.Helper()
	merged, err := d.Get(id, "")
	if err != nil {
		return "", err
	}
	defer func() { assert.Check(t, d.Put(id)) }()
	data, err := os.ReadFile(filepath.Join(merged, name))
	return string(data), err
}

func TestCreateFromExternalDiffLinksWithoutCopying(t *testing.T) {
	d := newExtraTestDriver(t)
	root, rel := testStore(t, map[string]string{"file": "from the store"})

	o, err := d.CreateFromExternalDiff("base", "", root, rel, origin.Layer{Images: []string{"app:1-extra"}})
	assert.NilError(t, err)
	assert.Check(t, o.Identity != "")
	assert.Check(t, o.Inode != 0)
	assert.Equal(t, o.Source, filepath.Join(root, rel))
	assert.Equal(t, o.Generation, "none")
	target, err := os.Readlink(filepath.Join(d.dir("base"), diffDirName))
	assert.NilError(t, err)
	assert.Equal(t, target, filepath.Join(root, rel))

	assert.NilError(t, d.CreateReadWrite("rw", "base", nil))
	got, err := readMerged(t, d, "rw", "file")
	assert.NilError(t, err)
	assert.Equal(t, got, "from the store")
	merged, err := d.Get("rw", "")
	assert.NilError(t, err)
	assert.NilError(t, os.WriteFile(filepath.Join(merged, "file"), []byte("changed"), 0o644))
	assert.NilError(t, d.Put("rw"))

	// A driver started afresh (a daemon restart) finds the link again.
	again := &Driver{home: d.home, ctr: d.ctr, locker: d.locker, idMap: d.idMap}
	x, err := again.links()
	assert.NilError(t, err)
	l, ok := x.lookup("", "base")
	assert.Check(t, ok)
	assert.Equal(t, l.Identity, o.Identity)
	assert.DeepEqual(t, *l.Origin, o)

	// Writes went to the container layer; removing the linked layer removes
	// the link only.
	assert.NilError(t, d.Remove("rw"))
	assert.NilError(t, d.Remove("base"))
	data, err := os.ReadFile(filepath.Join(root, rel, "file"))
	assert.NilError(t, err)
	assert.Equal(t, string(data), "from the store")
}

func TestCreateFromExternalDiffRefuses(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, root string) (string, string)
		want  string
	}{
		{name: "relative store path", setup: func(t *testing.T, root string) (string, string) { return "relative", "overlay2/x/diff" }, want: "must be an absolute path"},
		{name: "path leaving the store", setup: func(t *testing.T, root string) (string, string) { return root, "../../etc" }, want: "not a clean path inside"},
		{name: "symlink on the way", setup: func(t *testing.T, root string) (string, string) {
			assert.NilError(t, os.MkdirAll(filepath.Join(root, "overlay2"), 0o755))
			assert.NilError(t, os.Symlink("/etc", filepath.Join(root, "overlay2", "x")))
			return root, "overlay2/x/diff"
		}, want: "a symlink or a path leaving the store"},
		{name: "final symlink", setup: func(t *testing.T, root string) (string, string) {
			assert.NilError(t, os.MkdirAll(filepath.Join(root, "overlay2", "x"), 0o755))
			assert.NilError(t, os.Symlink("/etc", filepath.Join(root, "overlay2", "x", "diff")))
			return root, "overlay2/x/diff"
		}, want: "is a symlink, not a directory"},
		{name: "not a directory", setup: func(t *testing.T, root string) (string, string) {
			assert.NilError(t, os.MkdirAll(filepath.Join(root, "overlay2", "x"), 0o755))
			assert.NilError(t, os.WriteFile(filepath.Join(root, "overlay2", "x", "diff"), nil, 0o644))
			return root, "overlay2/x/diff"
		}, want: "is a regular file, not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newExtraTestDriver(t)
			root, rel := tc.setup(t, t.TempDir())
			_, err := d.CreateFromExternalDiff("base", "", root, rel, origin.Layer{})
			assert.Check(t, is.ErrorContains(err, tc.want))
			assert.Check(t, !d.Exists("base"))
		})
	}
}

// TestGetRefusesAChangedExternalDiff changes the store after the layer was
// linked; every mount of it (as the container's lower layer, or the base
// layer itself) must then fail with an error naming the linked path.
func TestGetRefusesAChangedExternalDiff(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, layerDir string)
		want   string // "" = mount succeeds
	}{
		{name: "unchanged", change: func(t *testing.T, layerDir string) {}},
		{
			name: "diff swapped for a symlink to the host root",
			change: func(t *testing.T, layerDir string) {
				diff := filepath.Join(layerDir, "diff")
				assert.NilError(t, os.RemoveAll(diff))
				assert.NilError(t, os.Symlink("/", diff))
			},
			want: "is a symlink, not a directory",
		},
		{
			name: "parent directory swapped for a symlink",
			change: func(t *testing.T, layerDir string) {
				elsewhere := filepath.Join(filepath.Dir(layerDir), "elsewhere")
				assert.NilError(t, os.MkdirAll(filepath.Join(elsewhere, "diff"), 0o755))
				assert.NilError(t, os.RemoveAll(layerDir))
				assert.NilError(t, os.Symlink(elsewhere, layerDir))
			},
			want: "a symlink or a path leaving the store",
		},
		{
			name: "diff replaced by another directory (republished store)",
			change: func(t *testing.T, layerDir string) {
				diff := filepath.Join(layerDir, "diff")
				assert.NilError(t, os.Rename(diff, diff+".old"))
				assert.NilError(t, os.Mkdir(diff, 0o755))
			},
			want: "was replaced in the store since the pull",
		},
		{
			name: "diff removed",
			change: func(t *testing.T, layerDir string) {
				assert.NilError(t, os.RemoveAll(filepath.Join(layerDir, "diff")))
			},
			want: "has vanished from the store",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newExtraTestDriver(t)
			root, rel := testStore(t, map[string]string{"file": "x"})
			_, err := d.CreateFromExternalDiff("base", "", root, rel, origin.Layer{})
			assert.NilError(t, err)
			assert.NilError(t, d.CreateReadWrite("rw", "base", nil))

			tc.change(t, filepath.Dir(filepath.Join(root, rel)))

			for _, id := range []string{"rw", "base"} {
				_, err := d.Get(id, "")
				if tc.want == "" {
					assert.NilError(t, err, id)
					assert.NilError(t, d.Put(id))
					continue
				}
				assert.Check(t, is.ErrorContains(err, tc.want), id)
				assert.Check(t, is.ErrorContains(err, filepath.Join(root, rel)), id)
			}
		})
	}
}

// TestGetMountsWhatItChecked races a store that swaps a linked layer's
// directory for a symlink to a host directory against container mounts:
// each mount either fails or shows the store's file, never the host's.
func TestGetMountsWhatItChecked(t *testing.T) {
	d := newExtraTestDriver(t)
	root, rel := testStore(t, map[string]string{"whoami": "store"})
	host := t.TempDir()
	assert.NilError(t, os.Mkdir(filepath.Join(host, "diff"), 0o755))
	assert.NilError(t, os.WriteFile(filepath.Join(host, "diff", "whoami"), []byte("host"), 0o644))
	_, err := d.CreateFromExternalDiff("base", "", root, rel, origin.Layer{})
	assert.NilError(t, err)
	assert.NilError(t, d.CreateReadWrite("rw", "base", nil))

	// The layer directory's parent is swapped, so the directory itself (its
	// identity) is unchanged: only a mount by path could be redirected.
	parent := filepath.Dir(filepath.Join(root, rel))
	var stop atomic.Bool
	swaps := make(chan int)
	go func() {
		n := 0
		for !stop.Load() {
			_ = os.Rename(parent, parent+".aside")
			_ = os.Symlink(host, parent)
			_ = os.Remove(parent)
			_ = os.Rename(parent+".aside", parent)
			n++
			// Long enough in the good state for checks to pass often.
			time.Sleep(200 * time.Microsecond)
		}
		swaps <- n
	}()
	const mounts = 1000
	var served, refused int
	for i := 0; i < mounts; i++ {
		got, err := readMerged(t, d, "rw", "whoami")
		if err != nil {
			if refused < 3 {
				t.Logf("refused: %v", err)
			}
			refused++
			continue
		}
		assert.Assert(t, got != "host", "mount %d showed the host's directory", i)
		if got == "store" {
			served++
		}
	}
	stop.Store(true)
	n := <-swaps
	t.Logf("%d mounts: %d served the store, %d refused, during %d swaps", mounts, served, refused, n)
	assert.Check(t, served > 0, "some mounts happened between swaps")
}

// tenLayerContainer makes "rw", a container layer on ten ordinary layers.
func tenLayerContainer(b *testing.B, d *Driver) {
	b.Helper()
	parent := ""
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("layer%d", i)
		if err := d.Create(id, parent, nil); err != nil {
			b.Fatal(err)
		}
		parent = id
	}
	if err := d.CreateReadWrite("rw", parent, nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGetTenLayers mounts a container on a chain of ten ordinary
// layers: the cost the extra-storage hook adds to every user's mounts (run
// it in a stock tree too, to compare).
func BenchmarkGetTenLayers(b *testing.B) {
	d := newExtraTestDriver(b)
	tenLayerContainer(b, d)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := d.Get("rw", ""); err != nil {
			b.Fatal(err)
		}
		if err := d.Put("rw"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMountHookTenUnlinkedLayers times the extra-storage hook alone on
// a chain of ten ordinary layers, on a host with no linked layer and on one
// where another image's layer is linked: map look-ups, no system call.
func BenchmarkMountHookTenUnlinkedLayers(b *testing.B) {
	for _, linkedElsewhere := range []bool{false, true} {
		b.Run(fmt.Sprintf("linked-elsewhere=%v", linkedElsewhere), func(b *testing.B) {
			d := newExtraTestDriver(b)
			if linkedElsewhere {
				root := b.TempDir()
				if err := os.MkdirAll(filepath.Join(root, "l"), 0o755); err != nil {
					b.Fatal(err)
				}
				if _, err := d.CreateFromExternalDiff("linked", "", root, "l", origin.Layer{}); err != nil {
					b.Fatal(err)
				}
			}
			tenLayerContainer(b, d)
			lowers, err := os.ReadFile(filepath.Join(d.dir("rw"), lowerFile))
			if err != nil {
				b.Fatal(err)
			}
			diffDir := filepath.Join(d.dir("rw"), diffDirName)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				got, _, closeAll, err := d.openLinkedLowers("rw", lowers, diffDir)
				if err != nil || &got[0] != &lowers[0] {
					b.Fatalf("unlinked lowers must come back untouched: %v", err)
				}
				closeAll()
			}
		})
	}
}

// TestGetLinkedLowerInALongChain mounts a linked base under enough layers
// that the mount options exceed a page and overlay2 mounts with paths
// relative to its home (mountFrom): the rewritten lower must resolve there
// too.
func TestGetLinkedLowerInALongChain(t *testing.T) {
	d := newExtraTestDriver(t)
	root, rel := testStore(t, map[string]string{"base.txt": "from the store"})
	_, err := d.CreateFromExternalDiff("layer0", "", root, rel, origin.Layer{})
	assert.NilError(t, err)
	parent := "layer0"
	for i := 1; i < 100; i++ {
		id := fmt.Sprintf("layer%d", i)
		assert.NilError(t, d.Create(id, parent, nil))
		parent = id
	}
	assert.NilError(t, d.CreateReadWrite("rw", parent, nil))
	lowers, err := os.ReadFile(filepath.Join(d.dir("rw"), lowerFile))
	assert.NilError(t, err)
	// Absolute lowers would not fit in a page: Get takes the mountFrom path.
	assert.Assert(t, len(lowers)+len(d.home)*100 > os.Getpagesize())

	got, err := readMerged(t, d, "rw", "base.txt")
	assert.NilError(t, err)
	assert.Equal(t, got, "from the store")
}

// TestLinkIndexFailsClosed: an index entry that cannot be read stops mounts
// with an error naming it, rather than letting its layer be mounted by path;
// an entry whose layer is gone is dropped.
func TestLinkIndexFailsClosed(t *testing.T) {
	d := newExtraTestDriver(t)
	root, rel := testStore(t, map[string]string{"file": "x"})
	_, err := d.CreateFromExternalDiff("base", "", root, rel, origin.Layer{})
	assert.NilError(t, err)
	assert.NilError(t, d.CreateReadWrite("rw", "base", nil))
	entries, err := os.ReadDir(filepath.Join(d.home, extraLinksDir))
	assert.NilError(t, err)
	assert.Assert(t, is.Len(entries, 1))
	entry := filepath.Join(d.home, extraLinksDir, entries[0].Name())
	gone := filepath.Join(d.home, extraLinksDir, "GONEGONEGONEGONEGONEGONEGO")
	assert.NilError(t, os.WriteFile(gone, []byte(`{"id":"removed-layer"}`), 0o600))
	// A write cut short (a crash before its rename) leaves a temporary file
	// that is neither read nor kept.
	cut := filepath.Join(d.home, extraLinksDir, tempPrefix+"ABCDEF-123")
	assert.NilError(t, os.WriteFile(cut, []byte(`{"id":`), 0o600))

	restarted := func() *Driver { return &Driver{home: d.home, ctr: d.ctr, locker: d.locker, idMap: d.idMap} }
	_, err = readMerged(t, restarted(), "rw", "file")
	assert.NilError(t, err)
	_, err = os.Stat(gone)
	assert.Check(t, os.IsNotExist(err), "the entry of a removed layer is dropped")
	_, err = os.Stat(cut)
	assert.Check(t, os.IsNotExist(err), "a temporary entry is dropped")

	assert.NilError(t, os.WriteFile(entry, []byte("{not json"), 0o600))
	_, err = restarted().Get("rw", "")
	assert.Check(t, is.ErrorContains(err, "link index"))
	assert.Check(t, is.ErrorContains(err, entry))
}

// TestCreateFromExternalDiffLaysOutAsCreate: a linked layer has the files,
// modes and owners Create gives a layer, only its diff is a symlink.
func TestCreateFromExternalDiffLaysOutAsCreate(t *testing.T) {
	d := newExtraTestDriver(t)
	root, rel := testStore(t, map[string]string{"file": "x"})
	assert.NilError(t, d.Create("parent", "", nil))
	for _, tc := range []struct{ name, parent string }{{"base", ""}, {"child", "parent"}} {
		t.Run(tc.name, func(t *testing.T) {
			assert.NilError(t, d.Create("created-"+tc.name, tc.parent, nil))
			_, err := d.CreateFromExternalDiff("linked-"+tc.name, tc.parent, root, rel, origin.Layer{})
			assert.NilError(t, err)
			want, got := layout(t, d.dir("created-"+tc.name)), layout(t, d.dir("linked-"+tc.name))
			assert.Equal(t, got[diffDirName], "symlink")
			delete(want, diffDirName)
			delete(got, diffDirName)
			assert.DeepEqual(t, got, want)
			if tc.parent != "" {
				lower, err := os.ReadFile(filepath.Join(d.dir("linked-"+tc.name), lowerFile))
				assert.NilError(t, err)
				wantLower, err := os.ReadFile(filepath.Join(d.dir("created-"+tc.name), lowerFile))
				assert.NilError(t, err)
				assert.Equal(t, string(lower), string(wantLower))
			}
		})
	}
}

// layout describes a layer directory's entries: kind, mode, owner and, for
// regular files, the length of their content.
func layout(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	assert.NilError(t, err)
	out := map[string]string{".": describe(t, dir)}
	for _, e := range entries {
		out[e.Name()] = describe(t, filepath.Join(dir, e.Name()))
	}
	return out
}

func describe(t *testing.T, p string) string {
	t.Helper()
	fi, err := os.Lstat(p)
	assert.NilError(t, err)
	if fi.Mode()&os.ModeSymlink != 0 {
		return "symlink"
	}
	st := fi.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%v %d:%d size %d", fi.Mode(), st.Uid, st.Gid, map[bool]int64{true: 0, false: fi.Size()}[fi.IsDir()])
}

func TestRootOwnerReadsBothRootPairForms(t *testing.T) {
	type identity struct {
		UID, GID int
		SID      string
	}
	for _, tc := range []struct {
		name     string
		pair     []any
		uid, gid int
	}{
		{"(uid, gid) as from v28.1 on", []any{100000, 100001}, 100000, 100001},
		{"an Identity as before v28.1", []any{identity{UID: 5, GID: 6}}, 5, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uid, gid := rootOwner(tc.pair...)
			assert.Equal(t, uid, tc.uid)
			assert.Equal(t, gid, tc.gid)
		})
	}
}
