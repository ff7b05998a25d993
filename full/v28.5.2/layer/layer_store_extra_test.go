package layer

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/docker/docker/daemon/graphdriver"
	"github.com/opencontainers/go-digest"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// linkingDriver gives vfs the optional CreateFromExternalDiff, the way
// overlay2 has it: the layer directory becomes a link to the external one.
type linkingDriver struct {
	graphdriver.Driver
	fail    error
	removed []string
}

func (d *linkingDriver) Remove(id string) error {
	d.removed = append(d.removed, id)
	return d.Driver.Remove(id)
}

func (d *linkingDriver) CreateFromExternalDiff(id, parent, diffDir string) error {
	if d.fail != nil {
		return d.fail
	}
	if err := d.Create(id, parent, nil); err != nil {
		return err
	}
	p, err := d.Get(id, "")
	if err != nil {
		return err
	}
	_ = d.Put(id)
	if err := os.RemoveAll(p); err != nil {
		return err
	}
	return os.Symlink(diffDir, p)
}

// externalLayer unpacks files into a new directory and returns the layer as
// the extra storage holds it: the directory, diffID, size and tar-split.
func externalLayer(t *testing.T, files map[string]string) (ExternalLayer, []byte) {
	t.Helper()
	var layerTar bytes.Buffer
	tw := tar.NewWriter(&layerTar)
	dir := t.TempDir()
	for name, content := range files {
		assert.NilError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(content))
		assert.NilError(t, err)
		assert.NilError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	assert.NilError(t, tw.Close())

	var ts bytes.Buffer
	gz := gzip.NewWriter(&ts)
	rdr, err := asm.NewInputTarStream(bytes.NewReader(layerTar.Bytes()), storage.NewJSONPacker(gz), nil)
	assert.NilError(t, err)
	_, err = io.Copy(io.Discard, rdr)
	assert.NilError(t, err)
	assert.NilError(t, gz.Close())
	return ExternalLayer{
		DiffID:   DiffID(digest.FromBytes(layerTar.Bytes())),
		Size:     int64(layerTar.Len()),
		DiffDir:  dir,
		TarSplit: bytes.NewReader(ts.Bytes()),
	}, layerTar.Bytes()
}

func newLinkingStore(t *testing.T) (*layerStore, *linkingDriver, string) {
	t.Helper()
	drv := &linkingDriver{Driver: newTestGraphDriver(t)}
	root := t.TempDir()
	ls, err := newStoreFromGraphDriver(root, drv)
	assert.NilError(t, err)
	return ls.(*layerStore), drv, root
}

func TestRegisterExternalLinksAndRebuildsTheTar(t *testing.T) {
	ls, _, root := newLinkingStore(t)
	base, baseTar := externalLayer(t, map[string]string{"a": "alpha"})
	top, topTar := externalLayer(t, map[string]string{"b": "beta"})

	l1, err := ls.RegisterExternal(base, "")
	assert.NilError(t, err)
	l2, err := ls.RegisterExternal(top, l1.ChainID())
	assert.NilError(t, err)
	assert.Equal(t, l2.ChainID(), CreateChainID([]DiffID{base.DiffID, top.DiffID}))
	assert.Equal(t, l2.Parent().ChainID(), l1.ChainID())

	for _, tc := range []struct {
		l    Layer
		want []byte
	}{{l1, baseTar}, {l2, topTar}} {
		rc, err := tc.l.TarStream()
		assert.NilError(t, err)
		got, err := io.ReadAll(rc)
		rc.Close()
		assert.NilError(t, err)
		assert.Check(t, bytes.Equal(got, tc.want), "the layer tar is rebuilt byte for byte")
		cacheID, err := ls.store.GetCacheID(tc.l.ChainID())
		assert.NilError(t, err)
		assert.Check(t, is.Len(cacheID, 64))
	}
	_, err = os.Stat(filepath.Join(root, "sha256", digest.Digest(l2.ChainID()).Encoded(), "tar-split.json.gz"))
	assert.NilError(t, err)

	again, err := ls.RegisterExternal(ExternalLayer{DiffID: base.DiffID, DiffDir: base.DiffDir, TarSplit: bytes.NewReader(nil)}, "")
	assert.NilError(t, err)
	assert.Equal(t, again.ChainID(), l1.ChainID())
	assert.Check(t, is.Len(ls.Map(), 2))
}

func TestRegisterExternalCleansUpOnFailure(t *testing.T) {
	ls, drv, root := newLinkingStore(t)
	base, _ := externalLayer(t, map[string]string{"a": "alpha"})
	l1, err := ls.RegisterExternal(base, "")
	assert.NilError(t, err)

	top, _ := externalLayer(t, map[string]string{"b": "beta"})
	drv.fail = errors.New("driver refused")
	_, err = ls.RegisterExternal(top, l1.ChainID())
	assert.Check(t, is.ErrorContains(err, "driver refused"))

	drv.fail = nil
	top.TarSplit = iotestErrReader{}
	_, err = ls.RegisterExternal(top, l1.ChainID())
	assert.Check(t, is.ErrorContains(err, "copying tar-split"))
	assert.Check(t, is.Len(drv.removed, 1), "the linked directory is removed")
	assert.Check(t, !drv.Exists(drv.removed[0]))

	assert.Check(t, is.Len(ls.Map(), 1))
	_, err = os.Stat(filepath.Join(root, "sha256", digest.Digest(CreateChainID([]DiffID{base.DiffID, top.DiffID})).Encoded()))
	assert.Check(t, os.IsNotExist(err))
	// The parent's reference taken for the failed child was given back.
	assert.Equal(t, ls.layerMap[l1.ChainID()].referenceCount, 1)
}

func TestRegisterExternalNeedsALinkingDriver(t *testing.T) {
	ls, _ := newTestStore(t)
	base, _ := externalLayer(t, map[string]string{"a": "alpha"})
	_, err := ls.(ExternalRegisterer).RegisterExternal(base, "")
	assert.Check(t, is.ErrorContains(err, "cannot link layers from extra storage"))
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("read failed") }
