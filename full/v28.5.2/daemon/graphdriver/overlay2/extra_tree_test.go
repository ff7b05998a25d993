//go:build linux

package overlay2

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/docker/docker/daemon/extrastorage/beneath"
	"github.com/docker/docker/daemon/extrastorage/layertree"
	"golang.org/x/sys/unix"
	"gotest.tools/v3/assert"
)

// treeTestLayer is a layer with one entry of each kind the check knows.
func treeTestLayer(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(hdr *tar.Header, body string) {
		hdr.Size = int64(len(body))
		if hdr.Typeflag != tar.TypeReg {
			hdr.Size = 0
		}
		hdr.Format = tar.FormatPAX
		assert.NilError(t, tw.WriteHeader(hdr))
		_, err := io.WriteString(tw, body)
		assert.NilError(t, err)
	}
	add(&tar.Header{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755}, "")
	add(&tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644}, "root:x:0:0::/root:/bin/sh\n")
	add(&tar.Header{Name: "etc/passwd.bak", Typeflag: tar.TypeLink, Linkname: "etc/passwd", Mode: 0o644}, "")
	add(&tar.Header{Name: "bin/su", Typeflag: tar.TypeReg, Mode: 0o4755}, "su")
	add(&tar.Header{Name: "bin/sh", Typeflag: tar.TypeSymlink, Linkname: "busybox", Uid: 1, Gid: 2}, "")
	add(&tar.Header{Name: "bin/ping", Typeflag: tar.TypeReg, Mode: 0o755, PAXRecords: map[string]string{"SCHILY.xattr.user.note": "kept"}}, "ping")
	add(&tar.Header{Name: "run/fifo", Typeflag: tar.TypeFifo, Mode: 0o600}, "")
	add(&tar.Header{Name: "old/.wh.gone", Typeflag: tar.TypeReg, Mode: 0o600}, "")
	add(&tar.Header{Name: "opq/", Typeflag: tar.TypeDir, Mode: 0o700}, "")
	add(&tar.Header{Name: "opq/.wh..wh..opq", Typeflag: tar.TypeReg, Mode: 0o600}, "")
	add(&tar.Header{Name: "opq/new", Typeflag: tar.TypeReg, Mode: 0o644}, "new")
	assert.NilError(t, tw.Close())
	return buf.Bytes()
}

func readHeaders(t *testing.T, data []byte) []*tar.Header {
	t.Helper()
	var headers []*tar.Header
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return headers
		}
		assert.NilError(t, err)
		headers = append(headers, hdr)
	}
}

// appliedLayer applies data as overlay2 applies a pulled layer (the way a
// store's own dockerd wrote it) and returns the layer's diff directory.
func appliedLayer(t *testing.T, d *Driver, data []byte) string {
	t.Helper()
	assert.NilError(t, d.Create("layer", "", nil))
	_, err := d.ApplyDiff("layer", "", bytes.NewReader(data))
	assert.NilError(t, err)
	return d.getDiffPath("layer")
}

func checkDir(t *testing.T, dir string, headers []*tar.Header) error {
	t.Helper()
	root, err := beneath.OpenRoot(dir)
	assert.NilError(t, err)
	defer root.Close()
	return layertree.Check(root, headers)
}

func TestCheckTreeHoldsTheDirectoryToTheTar(t *testing.T) {
	data := treeTestLayer(t)
	headers := readHeaders(t, data)
	must := func(err error) {
		t.Helper()
		assert.NilError(t, err)
	}
	tests := []struct {
		name   string
		change func(diff string)
		want   string // "" when the directory must pass
	}{
		{name: "as applied", change: func(string) {}},
		{name: "modification times are not compared", change: func(diff string) {
			must(os.Chtimes(filepath.Join(diff, "etc/passwd"), time.Unix(1e9, 0), time.Unix(1e9, 0)))
		}},
		{name: "a file the tar does not have", change: func(diff string) {
			must(os.WriteFile(filepath.Join(diff, "etc/shadow"), nil, 0o600))
		}, want: "etc/shadow: is not in the layer"},
		{name: "a setuid bit added", change: func(diff string) {
			must(unix.Chmod(filepath.Join(diff, "etc/passwd"), 0o4644))
		}, want: "etc/passwd: has mode 4644, the layer says 0644"},
		{name: "a setuid bit dropped", change: func(diff string) {
			must(os.Chmod(filepath.Join(diff, "bin/su"), 0o755))
		}, want: "bin/su: has mode 0755, the layer says 4755"},
		{name: "another owner", change: func(diff string) {
			must(os.Lchown(filepath.Join(diff, "bin/su"), 1000, 1000))
		}, want: "bin/su: owned by 1000:1000, the layer says 0:0"},
		{name: "a symlink's owner", change: func(diff string) {
			must(os.Lchown(filepath.Join(diff, "bin/sh"), 0, 0))
		}, want: "bin/sh: owned by 0:0, the layer says 1:2"},
		{name: "a file capability added", change: func(diff string) {
			// A version 2 capability set raising CAP_NET_RAW.
			capability := []byte{0, 0, 0, 2, 0, 0x20, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
			must(unix.Setxattr(filepath.Join(diff, "bin/ping"), "security.capability", capability, 0))
		}, want: "bin/ping: has xattr security.capability, which the layer does not"},
		{name: "an xattr's value changed", change: func(diff string) {
			must(unix.Setxattr(filepath.Join(diff, "bin/ping"), "user.note", []byte("other"), 0))
		}, want: "bin/ping: has another value of xattr user.note than the layer"},
		{name: "an xattr removed", change: func(diff string) {
			must(unix.Removexattr(filepath.Join(diff, "bin/ping"), "user.note"))
		}, want: "bin/ping: lacks xattr user.note, which the layer has"},
		{name: "a directory made opaque", change: func(diff string) {
			must(unix.Setxattr(filepath.Join(diff, "etc"), "trusted.overlay.opaque", []byte("y"), 0))
		}, want: "etc: has xattr trusted.overlay.opaque, which the layer does not"},
		{name: "an opaque mark removed", change: func(diff string) {
			must(unix.Removexattr(filepath.Join(diff, "opq"), "trusted.overlay.opaque"))
		}, want: "opq: is not marked opaque, the layer says it is"},
		{name: "a hard link replaced by a copy", change: func(diff string) {
			p := filepath.Join(diff, "etc/passwd.bak")
			must(os.Remove(p))
			must(os.WriteFile(p, []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
		}, want: "etc/passwd.bak: is not a hard link to etc/passwd"},
		{name: "a symlink retargeted", change: func(diff string) {
			p := filepath.Join(diff, "bin/sh")
			must(os.Remove(p))
			must(os.Symlink("/host/sh", p))
			must(os.Lchown(p, 1, 2))
		}, want: `bin/sh: links to "/host/sh", the layer says "busybox"`},
		{name: "a whiteout removed", change: func(diff string) {
			must(os.Remove(filepath.Join(diff, "old/gone")))
		}, want: "old/gone: is missing"},
		{name: "a whiteout replaced by a file", change: func(diff string) {
			p := filepath.Join(diff, "old/gone")
			must(os.Remove(p))
			must(os.WriteFile(p, nil, 0o644))
		}, want: "old/gone: is a regular file, not the whiteout (0/0 character device) its tar-split names"},
		{name: "a FIFO replaced by a device", change: func(diff string) {
			p := filepath.Join(diff, "run/fifo")
			must(os.Remove(p))
			must(unix.Mknod(p, unix.S_IFCHR|0o600, int(unix.Mkdev(1, 3))))
		}, want: "run/fifo: is a character device, the layer says FIFO"},
		{name: "an implied directory opened to all", change: func(diff string) {
			must(os.Chmod(filepath.Join(diff, "bin"), 0o777))
		}, want: "bin: is a directory untar creates as 0755 root:root, found 0777 0:0"},
		{name: "a file replaced by a symlink", change: func(diff string) {
			p := filepath.Join(diff, "opq/new")
			must(os.Remove(p))
			must(os.Symlink("/etc/shadow", p))
		}, want: "opq/new: is a symlink, the layer says regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newExtraTestDriver(t)
			diff := appliedLayer(t, d, data)
			tc.change(diff)
			err := checkDir(t, diff, headers)
			if tc.want == "" {
				assert.NilError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestCheckTreeCountsWhatItDoesNotList(t *testing.T) {
	d := newExtraTestDriver(t)
	diff := appliedLayer(t, d, treeTestLayer(t))
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		assert.NilError(t, os.WriteFile(filepath.Join(diff, name), nil, 0o644))
	}
	err := checkDir(t, diff, readHeaders(t, treeTestLayer(t)))
	assert.ErrorContains(t, err, "a: is not in the layer")
	assert.ErrorContains(t, err, "; and 2 more")
}
