//go:build linux

package overlay2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/docker/docker/daemon/extrastorage/origin"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestLinkedKeys(t *testing.T) {
	a := linkedLayer{ID: "a", Root: "/srv/store", Rel: "overlay2/aaa/diff"}
	b := linkedLayer{ID: "b", Root: "/srv/store", Rel: "overlay2/bbb/diff"}
	other := linkedLayer{ID: "c", Root: "/srv/other", Rel: "overlay2/ccc/diff"}
	cases := []struct {
		name   string
		linked []linkedLayer
		total  int
		want   map[string]string
	}{
		{name: "nothing linked adds nothing", total: 3},
		{
			name: "every layer linked", linked: []linkedLayer{b, a}, total: 2,
			want: map[string]string{
				"ExtraStorage":       "/srv/store",
				"ExtraStorageLayers": "/srv/store/overlay2/bbb/diff:/srv/store/overlay2/aaa/diff",
				"ExtraStorageLinked": "2 of 2",
			},
		},
		{
			name: "a registry-assisted chain, two stores", linked: []linkedLayer{a, other}, total: 5,
			want: map[string]string{
				"ExtraStorage":       "/srv/store:/srv/other",
				"ExtraStorageLayers": "/srv/store/overlay2/aaa/diff:/srv/other/overlay2/ccc/diff",
				"ExtraStorageLinked": "2 of 5",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := linkedKeys(tc.linked, tc.total)
			if tc.want == nil {
				assert.Check(t, is.Len(got, 0))
				return
			}
			assert.Check(t, is.DeepEqual(got, tc.want))
		})
	}
}

// TestGetMetadataNamesLinkedLayers links two layers under a local one and a
// container layer, and reads what inspect shows of each.
func TestGetMetadataNamesLinkedLayers(t *testing.T) {
	d := newExtraTestDriver(t)
	root, rel := testStore(t, map[string]string{"file": "base"})
	rel2 := "overlay2/second/diff"
	assert.NilError(t, os.MkdirAll(filepath.Join(root, rel2), 0o755))

	_, err := d.CreateFromExternalDiff("base", "", root, rel, origin.Layer{})
	assert.NilError(t, err)
	_, err = d.CreateFromExternalDiff("second", "base", root, rel2, origin.Layer{})
	assert.NilError(t, err)
	assert.NilError(t, d.Create("local", "second", nil))
	assert.NilError(t, d.CreateReadWrite("rw", "local", nil))

	cases := []struct{ id, layers, linked string }{
		{id: "base", layers: filepath.Join(root, rel), linked: "1 of 1"},
		{id: "second", layers: filepath.Join(root, rel2) + ":" + filepath.Join(root, rel), linked: "2 of 2"},
		{id: "rw", layers: filepath.Join(root, rel2) + ":" + filepath.Join(root, rel), linked: "2 of 4"},
	}
	for _, tc := range cases {
		md, err := d.GetMetadata(tc.id)
		assert.NilError(t, err)
		assert.Check(t, is.Equal(md["ExtraStorage"], root), tc.id)
		assert.Check(t, is.Equal(md["ExtraStorageLayers"], tc.layers), tc.id)
		assert.Check(t, is.Equal(md["ExtraStorageLinked"], tc.linked), tc.id)
	}

	plain := newExtraTestDriver(t)
	assert.NilError(t, plain.Create("alone", "", nil))
	md, err := plain.GetMetadata("alone")
	assert.NilError(t, err)
	_, ok := md["ExtraStorage"]
	assert.Check(t, !ok, "a driver with no links adds no keys")
}
