package extra

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/containerd/v2/core/snapshots"
	"golang.org/x/sys/unix"
	"gotest.tools/v3/assert"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/storetest"
)

// requireOverlay skips tests that mount (bind mounts, overlayfs) where
// that is impossible, saying why.
func requireOverlay(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: needs root to mount (bind mounts of store layers, overlayfs)")
	}
	fss, err := os.ReadFile("/proc/filesystems")
	if err != nil || !strings.Contains(string(fss), "\toverlay\n") {
		t.Skip("skipped: the kernel has no overlayfs")
	}
}

// dirs are a snapshotter's root and state directories.
type dirs struct{ root, state string }

func newDirs(t *testing.T) dirs {
	t.Helper()
	d := dirs{root: t.TempDir(), state: t.TempDir()}
	// Runs before the temporary directories are removed: their removal
	// must not reach through a bind mount into the store.
	t.Cleanup(func() { unmountAll(t, d.state) })
	return d
}

func unmountAll(t *testing.T, state string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(state, mountsDir))
	for _, e := range entries {
		p := filepath.Join(state, mountsDir, e.Name())
		for unix.Unmount(p, unix.MNT_DETACH) == nil {
		}
	}
}

// open opens a snapshotter on d serving the store st (nil: none) with
// "verify": "content", the default, closed at the end of the test.
func open(t *testing.T, d dirs, st *storetest.Store) *Snapshotter {
	t.Helper()
	cfg := Config{Root: d.root, State: d.state}
	if st != nil {
		cfg.Store = extrastorage.New(st.Root, true)
	}
	sn, err := New(context.Background(), cfg)
	assert.NilError(t, err)
	t.Cleanup(func() { sn.Close() })
	return sn
}

// refLabels are the labels containerd's unpacker puts on the Prepare of
// the layer whose chain ID is chain.
func refLabels(chain string) snapshots.Opt {
	return snapshots.WithLabels(map[string]string{snapshots.LabelSnapshotRef: chain})
}

// treeOf lists every path below root with its mode, size and content, to
// tell whether anything changed.
func treeOf(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		b.WriteString(rel + " " + fi.Mode().String())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b.WriteString(" " + string(data))
		}
		b.WriteString("\n")
		return nil
	})
	assert.NilError(t, err)
	return b.String()
}
