package origin

import (
	"errors"
	"io/fs"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestWithImageAddsEachReferenceOnce(t *testing.T) {
	l := Layer{Images: []string{"a:1"}}
	tests := []struct {
		name  string
		ref   string
		added bool
		want  []string
	}{
		{"a new reference", "b:2", true, []string{"a:1", "b:2"}},
		{"a reference already there", "a:1", false, []string{"a:1"}},
		{"no reference", "", false, []string{"a:1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, added := l.WithImage(tc.ref)
			assert.Equal(t, added, tc.added)
			assert.DeepEqual(t, got.Images, tc.want)
			assert.DeepEqual(t, l.Images, []string{"a:1"}) // l itself is unchanged
		})
	}
}

func TestChangedErrorNamesImageLayerAndGeneration(t *testing.T) {
	l := Layer{
		ChainID: "sha256:c", DiffID: "sha256:d", Generation: "2-20261206T170000Z",
		Source: "/mnt/store/generations/2-20261206T170000Z/overlay2/x/diff", Images: []string{"app:1-extra", "app:1"}, Identity: "1:2:3",
	}
	tests := []struct {
		name string
		err  *ChangedError
		want []string
	}{
		{"vanished", &ChangedError{Layer: l, Problem: Vanished, Err: fs.ErrNotExist}, []string{"has vanished"}},
		{"changed", &ChangedError{Layer: l, Problem: Changed, Now: "9:9:9"}, []string{"replaced in the store", "identity 9:9:9, pulled as 1:2:3"}},
		{"unreadable", &ChangedError{Layer: l, Problem: Unreadable, Err: errors.New("boom")}, []string{"cannot be opened (boom)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := tc.err.Error()
			for _, want := range append(tc.want, "image app:1-extra, app:1", "layer sha256:c (diffID sha256:d)", "generation 2-20261206T170000Z", l.Source, "docker rmi app:1-extra`, then pull it again") {
				assert.Check(t, is.Contains(msg, want))
			}
		})
	}
}
