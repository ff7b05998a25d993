//go:build linux

package layertree

import (
	"archive/tar"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestExpectedTreeReadsTarNames(t *testing.T) {
	tests := []struct {
		name    string
		headers []*tar.Header
		want    map[string]kind
		opaque  string
	}{
		{
			name:    "names with ./ and a leading slash",
			headers: []*tar.Header{{Name: "./a/b"}, {Name: "/c"}},
			want:    map[string]kind{"a": kindParent, "a/b": kindHeader, "c": kindHeader},
		},
		{
			name:    "the root entry is not compared",
			headers: []*tar.Header{{Name: "./", Typeflag: tar.TypeDir}},
			want:    map[string]kind{},
		},
		{
			name:    "a whiteout, an AUFS name and an opaque mark",
			headers: []*tar.Header{{Name: "d/.wh.x"}, {Name: ".wh..wh.plnk"}, {Name: "o/.wh..wh..opq"}},
			want:    map[string]kind{"d": kindParent, "d/x": kindWhiteout, ".wh.plnk": kindWhiteout, "o": kindParent},
			opaque:  "o",
		},
		{
			name:    "a later header replaces an implied directory",
			headers: []*tar.Header{{Name: "d/f"}, {Name: "d/", Typeflag: tar.TypeDir}},
			want:    map[string]kind{"d": kindHeader, "d/f": kindHeader},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := expected(tc.headers)
			kinds := map[string]kind{}
			for p, e := range got {
				kinds[p] = e.kind
				assert.Check(t, is.Equal(e.opaque, p == tc.opaque), p)
			}
			assert.Check(t, is.DeepEqual(kinds, tc.want))
		})
	}
}

func TestExpectedTreeGivesAFileItsHardLinks(t *testing.T) {
	target := &tar.Header{Name: "a", Typeflag: tar.TypeReg, Mode: 0o644}
	link := &tar.Header{Name: "b", Typeflag: tar.TypeLink, Linkname: "./a", Mode: 0o600}
	want := expected([]*tar.Header{target, link})
	assert.Check(t, is.DeepEqual(want["a"].links, []*tar.Header{link}))
	assert.Check(t, want["a"].allows(func(h *tar.Header) bool { return h.Mode == 0o600 }), "the link's mode is the inode's on lines that apply it")
	assert.Check(t, !want["a"].allows(func(h *tar.Header) bool { return h.Mode == 0o4755 }))
}
