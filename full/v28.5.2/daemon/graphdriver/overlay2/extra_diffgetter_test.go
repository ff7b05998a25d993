//go:build linux

package overlay2

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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
	layer := filepath.Join(tmp, "store", "layer")
	assert.NilError(t, os.MkdirAll(filepath.Join(layer, "etc"), 0o755))
	assert.NilError(t, os.WriteFile(filepath.Join(layer, "etc", "motd"), []byte("from the store"), 0o644))
	assert.NilError(t, os.Symlink("motd", filepath.Join(layer, "etc", "inner")))
	assert.NilError(t, os.Symlink(host, filepath.Join(layer, "etc", "absolute")))
	assert.NilError(t, os.Symlink("../../../host-secret", filepath.Join(layer, "etc", "relative")))
	assert.NilError(t, syscall.Mkfifo(filepath.Join(layer, "etc", "fifo"), 0o644))

	d := &Driver{home: filepath.Join(tmp, "overlay2")}
	assert.NilError(t, os.MkdirAll(d.dir("linked"), 0o700))
	assert.NilError(t, os.Symlink(layer, filepath.Join(d.dir("linked"), diffDirName)))

	getter, err := d.DiffGetter("linked")
	assert.NilError(t, err)
	defer getter.Close()

	for _, tc := range []struct {
		name, want, err string
	}{
		{name: "etc/motd", want: "from the store"},
		{name: "./etc/motd", want: "from the store"},
		{name: "etc/inner", want: "from the store"}, // a symlink that stays in the layer
		{name: "etc/absolute", err: "escapes"},
		{name: "etc/relative", err: "escapes"},
		{name: "../host-secret", err: "escapes"},
		{name: "etc/fifo", err: "is a FIFO, not the regular file its tar-split names"},
		{name: "etc", err: "is a directory"},
		{name: "etc/missing", err: "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
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

// TestDiffGetterRefusesAChangedStore swaps the linked directory for a symlink
// to another directory after the link was made.
func TestDiffGetterRefusesAChangedStore(t *testing.T) {
	tmp := t.TempDir()
	layer := filepath.Join(tmp, "store", "layer")
	assert.NilError(t, os.MkdirAll(layer, 0o755))
	d := &Driver{home: filepath.Join(tmp, "overlay2")}
	assert.NilError(t, os.MkdirAll(d.dir("linked"), 0o700))
	assert.NilError(t, os.Symlink(layer, filepath.Join(d.dir("linked"), diffDirName)))

	assert.NilError(t, os.Rename(layer, layer+".old"))
	assert.NilError(t, os.Symlink("/", layer))
	_, err := d.DiffGetter("linked")
	assert.Check(t, is.ErrorContains(err, "refusing to mount linked layer data"))
}
