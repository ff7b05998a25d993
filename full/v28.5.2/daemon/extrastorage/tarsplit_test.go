//go:build linux

package extrastorage

import (
	"bytes"
	"compress/gzip"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/vbatts/tar-split/tar/storage"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// tarSplitGz crafts a gzip-compressed tar-split with one file entry (of 4
// bytes) per name between raw segments, as tar-split writes them.
func tarSplitGz(t *testing.T, names ...string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	p := storage.NewJSONPacker(zw)
	for _, name := range names {
		_, err := p.AddEntry(storage.Entry{Type: storage.SegmentType, Payload: []byte("header")})
		assert.NilError(t, err)
		e := storage.Entry{Type: storage.FileType, Size: 4}
		e.SetName(name)
		_, err = p.AddEntry(e)
		assert.NilError(t, err)
	}
	assert.NilError(t, zw.Close())
	return buf.String()
}

// TestStoreRefusesTarSplitsLeavingTheLayer: `docker save` opens each file
// entry's name below the layer directory, so a name leaving it would copy
// host files (or hang on /dev/zero) into the saved image.
func TestStoreRefusesTarSplitsLeavingTheLayer(t *testing.T) {
	cases := []struct {
		name     string
		tarSplit func(t *testing.T) string
		want     string // "" = accepted
	}{
		{"ordinary names", func(t *testing.T) string { return tarSplitGz(t, "etc/", "etc/hosts", "./usr/bin/app", "a/../b") }, ""},
		{"parent escape", func(t *testing.T) string { return tarSplitGz(t, "etc/hosts", "../../../etc/shadow") }, `"../../../etc/shadow" is not a path inside the layer`},
		{"device escape", func(t *testing.T) string { return tarSplitGz(t, "../../dev/zero") }, `"../../dev/zero"`},
		{"escape after a directory", func(t *testing.T) string { return tarSplitGz(t, "usr/../../../root/.ssh/id_rsa") }, "not a path inside the layer"},
		{"absolute name", func(t *testing.T) string { return tarSplitGz(t, "/etc/shadow") }, `"/etc/shadow"`},
		{"not gzip", func(t *testing.T) string { return "plain text" }, "not gzip"},
		{"not JSON", func(t *testing.T) string {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, _ = zw.Write([]byte("{not json"))
			assert.NilError(t, zw.Close())
			return buf.String()
		}, "entry 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestStore(t, 2)
			p := filepath.Join(ts.layerDir(1), "tar-split.json.gz")
			writeFile(t, p, tc.tarSplit(t))
			img, err := lookup(t, ts.root, "example.com/demo/app:1.0")
			if tc.want == "" {
				assert.NilError(t, err)
				assert.Assert(t, is.Len(img.Layers, 2))
				// Four entries of a 6-byte segment and a 4-byte file.
				assert.Check(t, is.Equal(img.Layers[1].TarSize, int64(4*(6+4))))
				return
			}
			assert.Assert(t, img == nil)
			var bad *BadStoreError
			assert.Assert(t, asError(err, &bad), "%v", err)
			assert.Equal(t, bad.Path, p)
			assert.Check(t, is.Contains(bad.Reason, tc.want))
		})
	}
}

// TestCheckTarSplitBoundsMemory: one entry holding a 1 GiB JSON token (a
// few MB of gzip) used to take 30 s and 6 GB. It is refused at the entry
// bound, after reading about that much, with memory to match; 256 MiB here
// keeps the test quick, the bound does not depend on the size.
func TestCheckTarSplitBoundsMemory(t *testing.T) {
	data := hugeTokenTarSplit(t, 256<<20)
	t.Logf("gzip of the 256 MiB token: %d bytes", len(data))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := checkTarSplit([]byte(data))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("refused in %s, %d bytes allocated", elapsed, allocated)
	assert.Check(t, is.ErrorContains(err, "entry 0 is longer than 1048576 bytes"))
	assert.Check(t, allocated < 16<<20, "allocated %d bytes", allocated)
	assert.Check(t, elapsed < 5*time.Second, "took %s", elapsed)
}

// TestTarSplitSizeIsTheTarsSize: the containerd image store names a store
// layer by a descriptor whose size must be that of the tar a save rebuilds.
func TestTarSplitSizeIsTheTarsSize(t *testing.T) {
	cases := []struct {
		name  string
		names []string
		want  int64
	}{
		{"no entries", nil, 0},
		{"one file", []string{"a"}, 6 + 4},
		{"three files", []string{"a", "b/c", "./d"}, 3 * (6 + 4)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			size, err := checkTarSplit([]byte(tarSplitGz(t, tc.names...)))
			assert.NilError(t, err)
			assert.Check(t, is.Equal(size, tc.want))
		})
	}
}
