package extra

import (
	"errors"
	"testing"

	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestParseRequest(t *testing.T) {
	diff0, diff1 := digest.FromString("0"), digest.FromString("1")
	chain1 := identity.ChainID([]digest.Digest{diff0, diff1})
	cases := []struct {
		name       string
		parent     string
		labels     map[string]string
		wantParent digest.Digest
		notRemote  bool
	}{
		{name: "base layer", labels: map[string]string{snapshots.LabelSnapshotRef: diff0.String()}},
		{name: "on a parent named by containerd's metadata store", parent: "moby/12/" + diff0.String(),
			labels: map[string]string{snapshots.LabelSnapshotRef: chain1.String()}, wantParent: diff0},
		{name: "on a parent named by its chain ID", parent: diff0.String(),
			labels: map[string]string{snapshots.LabelSnapshotRef: chain1.String(), snapshots.LabelSnapshotDiffID: diff1.String()}, wantParent: diff0},
		{name: "no target label", notRemote: true},
		{name: "target not a chain ID", labels: map[string]string{snapshots.LabelSnapshotRef: "../x"}, notRemote: true},
		{name: "target upper case", labels: map[string]string{snapshots.LabelSnapshotRef: "sha256:" + "AB"}, notRemote: true},
		{name: "parent not named after a chain", parent: "default/3/my-container",
			labels: map[string]string{snapshots.LabelSnapshotRef: chain1.String()}, notRemote: true},
		{name: "diff-id label disagrees with the chain", parent: diff0.String(),
			labels: map[string]string{snapshots.LabelSnapshotRef: chain1.String(), snapshots.LabelSnapshotDiffID: diff0.String()}, notRemote: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseRequest(tc.parent, []snapshots.Opt{snapshots.WithLabels(tc.labels)})
			if tc.notRemote {
				assert.Check(t, errors.Is(err, errNotRemote), "got %v", err)
				return
			}
			assert.NilError(t, err)
			assert.Check(t, is.Equal(r.target, tc.labels[snapshots.LabelSnapshotRef]))
			assert.Check(t, is.Equal(r.parent, tc.wantParent))
		})
	}
}

func TestCommittedName(t *testing.T) {
	target := digest.FromString("0").String()
	cases := []struct{ key, want string }{
		{"extract-1 " + target, target},
		{"moby/7/extract-1 " + target, "moby/7/" + target},
		{"a/b/c/d", target},
	}
	for _, tc := range cases {
		assert.Check(t, is.Equal(committedName(tc.key, target), tc.want), "key %q", tc.key)
	}
}
