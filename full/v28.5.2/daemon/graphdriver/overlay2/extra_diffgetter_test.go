//go:build linux

package overlay2

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/daemon/extrastorage/origin"
	"github.com/moby/sys/mountinfo"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestDiffGetterConfinesALinkedLayer links a store layer whose contents do
// not match what a tar-split may name: only regular files inside the layer
// may be read, and nothing may block.
func TestDiffGetterConfinesALinkedLayer(t *testing.T) {
	tmp := t.TempDir()
	host := filepath.Join(tmp, "host-secret")
	assert.NilError(t, os.WriteFile(host, []byte("host secret"), 0o600))
	layer := filepath.Join(tmp, "store", "overlay2", "layer", "diff")
	assert.NilError(t, os.MkdirAll(filepath.Join(layer, "etc"), 0o755))
	assert.NilError(t, os.WriteFile(filepath.Join(layer, "etc", "motd"), []byte("from the store"), 0o644))
	assert.NilError(t, os.Symlink("motd", filepath.Join(layer, "etc", "inner")))
	assert.NilError(t, os.Symlink(host, filepath.Join(layer, "etc", "absolute")))
	assert.NilError(t, os.Symlink("../../../../../host-secret", filepath.Join(layer, "etc", "relative")))
	assert.NilError(t, syscall.Mkfifo(filepath.Join(layer, "etc", "fifo"), 0o644))
	devNull := os.Getuid() == 0 && syscall.Mknod(filepath.Join(layer, "etc", "null"), syscall.S_IFCHR|0o666, 1<<8|3) == nil

	d := newExtraTestDriver(t)
	_, err := d.CreateFromExternalDiff("linked", "", filepath.Join(tmp, "store"), "overlay2/layer/diff", origin.Layer{})
	assert.NilError(t, err)

	getter, err := d.DiffGetter("linked")
	assert.NilError(t, err)
	defer getter.Close()

	for _, tc := range []struct {
		name, want, err string
	}{
		{name: "etc/motd", want: "from the store"},
		{name: "./etc/motd", want: "from the store"},
		{name: "etc/../etc/motd", want: "from the store"},
		// tar-split names a regular file: a symlink there, even one that
		// stays in the layer, is not what it names.
		{name: "etc/inner", err: "is a symlink, not the regular file its tar-split names"},
		{name: "etc/absolute", err: "is a symlink"},
		{name: "etc/relative", err: "is a symlink"},
		{name: "../host-secret", err: "is not a clean path inside the directory"},
		{name: "etc/fifo", err: "is a FIFO, not the regular file its tar-split names"},
		{name: "etc", err: "is a directory"},
		{name: "etc/missing", err: "no such file"},
		{name: "etc/null", err: "is a character device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "etc/null" && !devNull {
				t.Skip("making a device node needs root")
			}
			done := make(chan struct{})
			var data []byte
			var err error
			go func() {
				defer close(done)
				var rc io.ReadCloser
				if rc, err = getter.Get(tc.name); err == nil {
					data, err = io.ReadAll(rc)
					_ = rc.Close()
				}
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Get blocked")
			}
			if tc.err != "" {
				assert.Check(t, is.ErrorContains(err, tc.err))
				assert.Check(t, is.ErrorContains(err, layer))
				assert.Check(t, !strings.Contains(string(data), "host secret"))
				return
			}
			assert.NilError(t, err)
			assert.Equal(t, string(data), tc.want)
		})
	}
}

// TestDiffGetterServesOrdinaryLayersFromTheMount: a layer that is not linked
// is read as the layer store reads a driver without DiffGetter, mounted
// while the getter is open.
func TestDiffGetterServesOrdinaryLayersFromTheMount(t *testing.T) {
	d := newExtraTestDriver(t)
	assert.NilError(t, d.Create("lower", "", nil))
	assert.NilError(t, os.WriteFile(filepath.Join(d.dir("lower"), diffDirName, "below"), []byte("lower"), 0o644))
	assert.NilError(t, d.Create("upper", "lower", nil))
	assert.NilError(t, os.WriteFile(filepath.Join(d.dir("upper"), diffDirName, "own"), []byte("upper"), 0o644))

	getter, err := d.DiffGetter("upper")
	assert.NilError(t, err)
	for name, want := range map[string]string{"own": "upper", "below": "lower"} {
		rc, err := getter.Get(name)
		assert.NilError(t, err)
		data, err := io.ReadAll(rc)
		assert.NilError(t, err)
		assert.NilError(t, rc.Close())
		assert.Equal(t, string(data), want)
	}
	merged := path.Join(d.dir("upper"), mergedDirName)
	mounted, err := mountinfo.Mounted(merged)
	assert.NilError(t, err)
	assert.Check(t, mounted, "read from the mounted layer")
	assert.NilError(t, getter.Close())
	mounted, err = mountinfo.Mounted(merged)
	assert.Check(t, os.IsNotExist(err) || (err == nil && !mounted), "Close puts (unmounts) the layer: %v", err)
}

// TestDiffGetterRefusesAChangedStore swaps the linked directory for a symlink
// to another directory after the link was made.
func TestDiffGetterRefusesAChangedStore(t *testing.T) {
	d := newExtraTestDriver(t)
	store := t.TempDir()
	layer := filepath.Join(store, "overlay2", "layer", "diff")
	assert.NilError(t, os.MkdirAll(layer, 0o755))
	_, err := d.CreateFromExternalDiff("linked", "", store, "overlay2/layer/diff", origin.Layer{})
	assert.NilError(t, err)

	assert.NilError(t, os.Rename(layer, layer+".old"))
	assert.NilError(t, os.Symlink("/", layer))
	_, err = d.DiffGetter("linked")
	assert.Check(t, is.ErrorContains(err, "refusing linked layer data"))
}
