//go:build linux

package extrastorage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// publishAs moves a crafted store under export/generations/name and points
// export/current at it, as `store publish` does.
func publishAs(t *testing.T, ts *testStore, export, name string) {
	t.Helper()
	assert.NilError(t, os.MkdirAll(filepath.Join(export, generationsDir), 0o755))
	assert.NilError(t, os.Rename(ts.root, filepath.Join(export, generationsDir, name)))
	_ = os.Remove(filepath.Join(export, currentLink))
	assert.NilError(t, os.Symlink(filepath.Join(generationsDir, name), filepath.Join(export, currentLink)))
}

// TestLookupLinksTheCurrentGeneration: a store with a current pointer is
// read from the generation it names, and each layer is linked by that
// generation's path, so a later switch of current moves nothing pulled.
func TestLookupLinksTheCurrentGeneration(t *testing.T) {
	export := t.TempDir()
	publishAs(t, newTestStore(t, 2), export, "1-20261206T170000Z")
	s := New(export, false)
	ref := demoRef(t, "example.com/demo/app:1.0")

	img, err := s.Lookup(context.Background(), ref)
	assert.NilError(t, err)
	for _, l := range img.Layers {
		assert.Equal(t, l.Root, export)
		assert.Equal(t, l.Generation, "1-20261206T170000Z")
		assert.Check(t, is.Regexp(`^generations/1-20261206T170000Z/overlay2/[0-9a-f]{64}/diff$`, l.DiffRel))
	}

	publishAs(t, newTestStore(t, 2), export, "2-20261206T180000Z")
	gen, err := s.Generation()
	assert.NilError(t, err)
	assert.Equal(t, gen, "2-20261206T180000Z")
	img, err = s.Lookup(context.Background(), ref)
	assert.NilError(t, err)
	assert.Equal(t, img.Layers[0].Generation, "2-20261206T180000Z")
}

func TestLookupInAStoreWithoutGenerations(t *testing.T) {
	ts := newTestStore(t, 1)
	s := New(ts.root, false)
	img, err := s.Lookup(context.Background(), demoRef(t, "example.com/demo/app:1.0"))
	assert.NilError(t, err)
	assert.Equal(t, img.Layers[0].Generation, NoGeneration)
	assert.Equal(t, img.Layers[0].Root, ts.root)
	assert.Check(t, is.Regexp(`^overlay2/[0-9a-f]{64}/diff$`, img.Layers[0].DiffRel))
}

// TestCurrentMustPointToAGeneration: the pointer is store data, so it is
// read, never followed, and only generations/<name> is accepted.
func TestCurrentMustPointToAGeneration(t *testing.T) {
	tests := []struct {
		name   string
		target string
		setup  func(t *testing.T, export string)
		want   string
	}{
		{name: "absolute path to the host", target: "/etc", want: "must point to generations/<name>"},
		{name: "climbing out", target: "generations/../../x", want: "must point to generations/<name>"},
		{name: "nested", target: "generations/a/b", want: "must point to generations/<name>"},
		{name: "dot-dot name", target: "generations/..", want: "must point to generations/<name>"},
		{name: "a generation that is missing", target: "generations/gone", want: "missing"},
		{
			name: "a generation that is a symlink", target: "generations/link",
			setup: func(t *testing.T, export string) {
				assert.NilError(t, os.Symlink("/", filepath.Join(export, generationsDir, "link")))
			},
			want: "symlink",
		},
		{
			name: "generations itself a symlink", target: "generations/x",
			setup: func(t *testing.T, export string) {
				other := t.TempDir()
				assert.NilError(t, os.Mkdir(filepath.Join(other, "x"), 0o755))
				assert.NilError(t, os.RemoveAll(filepath.Join(export, generationsDir)))
				assert.NilError(t, os.Symlink(other, filepath.Join(export, generationsDir)))
			},
			want: "a symlink or a path leaving the store",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			export := t.TempDir()
			assert.NilError(t, os.Mkdir(filepath.Join(export, generationsDir), 0o755))
			if tc.setup != nil {
				tc.setup(t, export)
			}
			assert.NilError(t, os.Symlink(tc.target, filepath.Join(export, currentLink)))
			_, err := New(export, false).Lookup(context.Background(), demoRef(t, "example.com/demo/app:1.0"))
			var unavailable *UnavailableError
			assert.Assert(t, errors.As(err, &unavailable), "%v", err)
			assert.Check(t, is.ErrorContains(err, tc.want))
		})
	}
}
