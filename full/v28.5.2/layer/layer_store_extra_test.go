package layer

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/docker/docker/daemon/extrastorage/origin"
	"github.com/docker/docker/daemon/graphdriver"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
	"github.com/vbatts/tar-split/tar/asm"
	"github.com/vbatts/tar-split/tar/storage"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// linkingDriver gives vfs the optional CreateFromExternalDiff, the way
// overlay2 has it: the layer directory becomes a link to the external one.
type linkingDriver struct {
	graphdriver.Driver
	home    string
	fail    error
	removed []string
	sources map[string]string
	// What CheckLinkedTree was given, and what it answers.
	treeNames []string
	treeErr   error
}

func (d *linkingDriver) CheckLinkedTree(id string, headers []*tar.Header) error {
	for _, hdr := range headers {
		d.treeNames = append(d.treeNames, hdr.Name)
	}
	return d.treeErr
}

func (d *linkingDriver) Remove(id string) error {
	d.removed = append(d.removed, id)
	return d.Driver.Remove(id)
}

func (d *linkingDriver) LinkedHome() string {
	return d.home
}

func (d *linkingDriver) ExternalDiffSource(id string) string {
	return d.sources[id]
}

func (d *linkingDriver) CreateFromExternalDiff(id, parent, root, rel string, o origin.Layer) (origin.Layer, error) {
	if d.fail != nil {
		return o, d.fail
	}
	if err := d.Create(id, parent, nil); err != nil {
		return o, err
	}
	p, err := d.Get(id, "")
	if err != nil {
		return o, err
	}
	_ = d.Put(id)
	if err := os.RemoveAll(p); err != nil {
		return o, err
	}
	if d.sources == nil {
		d.sources = map[string]string{}
	}
	d.sources[id] = filepath.Join(root, rel)
	o.Source, o.Identity = filepath.Join(root, rel), "test-identity"
	return o, os.Symlink(filepath.Join(root, rel), p)
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
		Root:     filepath.Dir(dir),
		DiffRel:  filepath.Base(dir),
		TarSplit: ts.Bytes(),
	}, layerTar.Bytes()
}

func newLinkingStore(t *testing.T) (*layerStore, *linkingDriver, string) {
	t.Helper()
	// newVFSGraphDriver has one signature on every engine line; newTestGraphDriver does not.
	vfs, err := newVFSGraphDriver(t.TempDir())
	assert.NilError(t, err)
	drv := &linkingDriver{Driver: vfs, home: t.TempDir()}
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
	assert.Equal(t, l2.ChainID(), ChainID(identity.ChainID([]digest.Digest{digest.Digest(base.DiffID), digest.Digest(top.DiffID)})))
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

	again, err := ls.RegisterExternal(ExternalLayer{DiffID: base.DiffID, Root: base.Root, DiffRel: base.DiffRel}, "")
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
	tamper(t, top, "b", "BETA")
	top.Verify = true
	_, err = ls.RegisterExternal(top, l1.ChainID())
	var mismatch *ContentMismatchError
	assert.Check(t, errors.As(err, &mismatch), "%v", err)
	assert.Check(t, is.Len(drv.removed, 1), "the linked directory is removed")
	assert.Check(t, !drv.Exists(drv.removed[0]))

	assert.Check(t, is.Len(ls.Map(), 1))
	_, err = os.Stat(filepath.Join(root, "sha256", digest.Digest(ChainID(identity.ChainID([]digest.Digest{digest.Digest(base.DiffID), digest.Digest(top.DiffID)}))).Encoded()))
	assert.Check(t, os.IsNotExist(err))
	// The parent's reference taken for the failed child was given back.
	assert.Equal(t, ls.layerMap[l1.ChainID()].referenceCount, 1)
}

func TestRegisterExternalNeedsALinkingDriver(t *testing.T) {
	vfs, err := newVFSGraphDriver(t.TempDir())
	assert.NilError(t, err)
	ls, err := newStoreFromGraphDriver(t.TempDir(), vfs)
	assert.NilError(t, err)
	base, _ := externalLayer(t, map[string]string{"a": "alpha"})
	_, err = ls.(ExternalRegisterer).RegisterExternal(base, "")
	assert.Check(t, is.ErrorContains(err, "cannot link layers from extra storage"))
}

// tamper changes a file of an external layer after its diffID was computed,
// as a store that keeps its metadata and changes its files would.
func tamper(t *testing.T, l ExternalLayer, name, content string) {
	t.Helper()
	assert.NilError(t, os.WriteFile(filepath.Join(l.Root, l.DiffRel, name), []byte(content), 0o644))
}

func TestRegisterExternalRefusesBadIDs(t *testing.T) {
	ls, _, root := newLinkingStore(t)
	base, _ := externalLayer(t, map[string]string{"a": "alpha"})
	for _, id := range []DiffID{"sha256:../../../volumes", "nocolon", "sha256:ABC", "sha512:" + DiffID(strings.Repeat("0", 128)), ""} {
		src := base
		src.DiffID = id
		_, err := ls.RegisterExternal(src, "")
		assert.Check(t, is.ErrorContains(err, "is not a sha256 digest"), "%q", id)
	}
	_, err := ls.RegisterExternal(base, "sha256:../x")
	assert.Check(t, is.ErrorContains(err, "is not a sha256 digest"))
	entries, err := os.ReadDir(filepath.Join(root, "sha256"))
	if err == nil {
		assert.Check(t, is.Len(entries, 0), "nothing was written under the layer store")
	}
}

func TestRegisterExternalVerifiesContent(t *testing.T) {
	cases := []struct {
		name    string
		tamper  bool
		lie     bool // a consistent layer whose diffID names another one
		treeErr error
		wantErr string
	}{
		{name: "intact layer is linked"},
		{name: "a directory the driver finds unlike the tar is refused", treeErr: errors.New("c: is not in the layer"), wantErr: "c: is not in the layer"},
		{name: "changed file is refused", tamper: true, wantErr: "checksum"},
		{name: "consistent layer under another diffID is refused", lie: true, wantErr: "its content hashes to sha256:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ls, drv, root := newLinkingStore(t)
			src, _ := externalLayer(t, map[string]string{"a": "alpha", "b": "beta"})
			if tc.tamper {
				tamper(t, src, "b", "evil")
			}
			if tc.lie {
				genuine := src.DiffID
				src, _ = externalLayer(t, map[string]string{"a": "alpha", "b": "evil"})
				src.DiffID = genuine
			}
			src.Verify = true
			drv.treeErr = tc.treeErr
			l, err := ls.RegisterExternal(src, "")
			if tc.wantErr != "" {
				var mismatch *ContentMismatchError
				assert.Assert(t, errors.As(err, &mismatch), "%v", err)
				assert.Check(t, is.Contains(mismatch.Reason, tc.wantErr))
				assert.Equal(t, mismatch.DiffID, src.DiffID)
				assert.Check(t, is.Contains(mismatch.Source, src.DiffRel))
				assert.Check(t, is.Len(ls.Map(), 0), "nothing is registered")
				assert.Check(t, is.Len(drv.removed, 1), "the linked directory is removed")
				return
			}
			assert.NilError(t, err)
			sort.Strings(drv.treeNames)
			assert.Check(t, is.DeepEqual(drv.treeNames, []string{"a", "b"}), "the driver is given the headers of the rebuilt tar")
			_, err = os.Stat(filepath.Join(root, "sha256", digest.Digest(l.ChainID()).Encoded(), unverifiedFile))
			assert.Check(t, os.IsNotExist(err), "a verified layer carries no unverified mark")
			memo, err := os.ReadDir(filepath.Join(root, "extra-verified"))
			assert.NilError(t, err)
			assert.Check(t, is.Len(memo, 1), "the check is remembered")
		})
	}
}

func TestVerifyLinkedChecksTrustedLinksOnReuse(t *testing.T) {
	cases := []struct {
		name    string
		tamper  bool
		wantErr bool
	}{
		{name: "intact trusted link passes and loses its mark"},
		{name: "changed trusted link is refused", tamper: true, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ls, _, root := newLinkingStore(t)
			base, _ := externalLayer(t, map[string]string{"a": "alpha"})
			top, _ := externalLayer(t, map[string]string{"b": "beta"})
			l1, err := ls.RegisterExternal(base, "")
			assert.NilError(t, err)
			l2, err := ls.RegisterExternal(top, l1.ChainID())
			assert.NilError(t, err)
			mark := filepath.Join(root, "sha256", digest.Digest(l2.ChainID()).Encoded(), unverifiedFile)
			_, err = os.Stat(mark)
			assert.NilError(t, err, "a trusted link is marked unverified")
			if tc.tamper {
				tamper(t, top, "b", "evil")
			}
			refs := ls.layerMap[l2.ChainID()].referenceCount
			err = ls.VerifyLinked(l2.ChainID())
			assert.Equal(t, ls.layerMap[l2.ChainID()].referenceCount, refs, "the check takes no reference (a leak keeps layers after rmi)")
			if tc.wantErr {
				var mismatch *ContentMismatchError
				assert.Assert(t, errors.As(err, &mismatch), "%v", err)
				assert.Equal(t, mismatch.ChainID, l2.ChainID())
				assert.Check(t, is.Contains(mismatch.Source, top.DiffRel), "the refusal names the store directory")
				_, err = os.Stat(mark)
				assert.NilError(t, err, "the mark stays: the layer is still unverified")
				return
			}
			assert.NilError(t, err)
			_, err = os.Stat(mark)
			assert.Check(t, os.IsNotExist(err))
			assert.NilError(t, ls.VerifyLinked(l2.ChainID()), "a second check has nothing to do")
		})
	}
}

// TestRegisterExternalReleasesAnExistingLayerItCannotVerify: a trusted link
// pulled again with verify content is checked; when the check fails, the
// reference taken on it is given back.
func TestRegisterExternalReleasesAnExistingLayerItCannotVerify(t *testing.T) {
	ls, _, _ := newLinkingStore(t)
	src, _ := externalLayer(t, map[string]string{"a": "alpha"})
	l, err := ls.RegisterExternal(src, "")
	assert.NilError(t, err)
	refs := ls.layerMap[l.ChainID()].referenceCount
	tamper(t, src, "a", "ALPHA")
	src.Verify = true
	_, err = ls.RegisterExternal(src, "")
	var mismatch *ContentMismatchError
	assert.Check(t, errors.As(err, &mismatch), "%v", err)
	assert.Equal(t, ls.layerMap[l.ChainID()].referenceCount, refs)
	_, err = ls.Release(l)
	assert.NilError(t, err)
	assert.Check(t, is.Len(ls.Map(), 0), "the last release removes the layer")
}

// TestLinkedMetadataMatchesStoreLayer holds the linked layer's metadata,
// written without a transaction, to what storeLayer writes through one: the
// same files with the same bytes, on every engine line this file builds in.
func TestLinkedMetadataMatchesStoreLayer(t *testing.T) {
	ls, _, _ := newLinkingStore(t)
	base, _ := externalLayer(t, map[string]string{"a": "alpha"})
	parent := &roLayer{chainID: ChainID(base.DiffID), diffID: base.DiffID}
	for _, tc := range []struct {
		name   string
		parent *roLayer
	}{
		{"base layer", nil},
		{"layer with a parent", parent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &roLayer{diffID: base.DiffID, size: 1234, cacheID: strings.Repeat("c", 64), parent: tc.parent}
			tx, err := ls.store.StartTransaction()
			assert.NilError(t, err)
			assert.NilError(t, storeLayer(tx, l))
			assert.NilError(t, tx.ws.WriteFile("tar-split.json.gz", base.TarSplit, 0o644))
			assert.NilError(t, tx.Commit("sha256:"+ChainID(strings.Repeat("a", 64))))
			want := readDir(t, ls.store.getLayerDirectory("sha256:"+ChainID(strings.Repeat("a", 64))))

			tmp, err := ls.writeLinkedMetadata(l, base.TarSplit, "", origin.Layer{Generation: "none"})
			assert.NilError(t, err)
			got := readDir(t, tmp)
			// The link's origin is the one file a linked layer adds.
			assert.Check(t, is.Contains(got[origin.File], `"generation":"none"`))
			delete(got, origin.File)
			assert.DeepEqual(t, got, want)
			assert.NilError(t, os.RemoveAll(tmp))
			assert.NilError(t, os.RemoveAll(ls.store.getLayerDirectory("sha256:"+ChainID(strings.Repeat("a", 64)))))
		})
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	assert.NilError(t, err)
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		assert.NilError(t, err)
		files[e.Name()] = string(data)
	}
	return files
}

// TestRegisterExternalReplacesMetadataLeftByACrash: a power loss before the
// pull's sync can leave a layer directory the store cannot load; the next
// pull of that layer replaces it instead of failing on it.
func TestRegisterExternalReplacesMetadataLeftByACrash(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"empty files", map[string]string{"diff": "", "size": "", "cache-id": ""}},
		{"a lone tar-split", map[string]string{"tar-split.json.gz": "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls, _, _ := newLinkingStore(t)
			base, _ := externalLayer(t, map[string]string{"a": "alpha"})
			stale := ls.store.getLayerDirectory(ChainID(base.DiffID))
			assert.NilError(t, os.MkdirAll(stale, 0o755))
			for name, data := range tc.files {
				assert.NilError(t, os.WriteFile(filepath.Join(stale, name), []byte(data), 0o644))
			}
			l, err := ls.RegisterExternal(base, "")
			assert.NilError(t, err)
			diff, err := ls.store.GetDiffID(l.ChainID())
			assert.NilError(t, err)
			assert.Equal(t, diff, base.DiffID)
			assert.NilError(t, ls.SyncLinked())
		})
	}
}
