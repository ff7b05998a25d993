package snapshotpull

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/core/mount"
	"github.com/containerd/containerd/v2/core/snapshots"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/daemon/extrastorage"
	"github.com/docker/docker/pkg/progress"
	"github.com/docker/docker/pkg/stringid"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// fakeSnapshotter answers as extra-snapshotter does (link, then "already
// exists"), or as a built-in one does (an empty active snapshot).
type fakeSnapshotter struct {
	snapshots.Snapshotter // methods a pull must not call panic
	links                 bool
	hangs                 bool // answers nothing until the caller gives up
	statErr               error
	viewErr               error // extra-snapshotter's answer for a linked layer the store changed
	committed             map[string]bool
	viewed                []string
	prepared, removed     []string
	parents               []string
}

func (f *fakeSnapshotter) Stat(ctx context.Context, key string) (snapshots.Info, error) {
	if f.hangs {
		<-ctx.Done()
		return snapshots.Info{}, ctx.Err()
	}
	if f.statErr != nil {
		return snapshots.Info{}, f.statErr
	}
	if f.committed[key] {
		return snapshots.Info{Name: key, Kind: snapshots.KindCommitted}, nil
	}
	return snapshots.Info{}, cerrdefs.ErrNotFound
}

func (f *fakeSnapshotter) Prepare(_ context.Context, key, parent string, opts ...snapshots.Opt) ([]mount.Mount, error) {
	var info snapshots.Info
	for _, o := range opts {
		if err := o(&info); err != nil {
			return nil, err
		}
	}
	f.prepared = append(f.prepared, key)
	f.parents = append(f.parents, parent)
	if ref := info.Labels["containerd.io/snapshot.ref"]; f.links && ref != "" {
		f.committed[ref] = true
		return nil, cerrdefs.ErrAlreadyExists
	}
	return []mount.Mount{{Type: "bind"}}, nil
}

func (f *fakeSnapshotter) View(_ context.Context, key, parent string, _ ...snapshots.Opt) ([]mount.Mount, error) {
	f.viewed = append(f.viewed, parent)
	if f.viewErr != nil {
		return nil, f.viewErr
	}
	f.prepared = append(f.prepared, key)
	return []mount.Mount{{Type: "bind"}}, nil
}

func (f *fakeSnapshotter) Remove(_ context.Context, key string) error {
	f.removed = append(f.removed, key)
	return nil
}

type recorded []progress.Progress

func (r *recorded) WriteProgress(p progress.Progress) error {
	*r = append(*r, p)
	return nil
}

func TestPrepareLayers(t *testing.T) {
	img := storeImage("a", "b")
	base, top := string(img.Layers[0].ChainID), string(img.Layers[1].ChainID)
	cases := []struct {
		name        string
		snapshotter *fakeSnapshotter
		wantLinked  int
		wantActions []string // per layer, in order
		wantErr     []string
		wantRemoved int
		// Each layer is asked for on its parent's chain.
		wantParents []string
		// Reused layers are checked through a view of the top chain.
		wantViewed []string
		wantClass  func(error) bool
	}{
		{
			name:        "every layer linked by the snapshotter",
			snapshotter: &fakeSnapshotter{links: true, committed: map[string]bool{}},
			wantLinked:  2,
			wantActions: []string{"Linked from extra storage", "Linked from extra storage"},
			wantParents: []string{"", base},
		},
		{
			name:        "the base layer is there already",
			snapshotter: &fakeSnapshotter{links: true, committed: map[string]bool{base: true}},
			wantLinked:  1,
			wantActions: []string{"Already exists", "Linked from extra storage"},
			wantParents: []string{base},
			wantViewed:  []string{top},
		},
		{
			name:        "the whole image is there already",
			snapshotter: &fakeSnapshotter{links: true, committed: map[string]bool{base: true, top: true}},
			wantActions: []string{"Already exists", "Already exists"},
			wantViewed:  []string{top},
		},
		{
			name: "a layer there already that the store has replaced since",
			snapshotter: &fakeSnapshotter{links: true, committed: map[string]bool{base: true, top: true},
				viewErr: fmt.Errorf("extra storage: refusing layer %s, linked from the store at /srv/store/overlay2/x/diff: it was replaced in the store since the pull: %w", base, cerrdefs.ErrFailedPrecondition)},
			wantErr:    []string{"refusing layer " + base, "was replaced in the store since the pull"},
			wantViewed: []string{top},
			wantClass:  cerrdefs.IsConflict,
		},
		{
			name:        "a built-in snapshotter makes an empty layer instead",
			snapshotter: &fakeSnapshotter{committed: map[string]bool{}},
			wantErr:     []string{`snapshotter "extra" did not link layer ` + base, "--extra-store /srv/store"},
			wantRemoved: 1,
			wantParents: []string{""},
		},
		{
			name:        "the snapshotter hangs",
			snapshotter: &fakeSnapshotter{hangs: true, committed: map[string]bool{}},
			wantErr:     []string{`snapshotter "extra" did not answer for layer ` + base + " within 50ms"},
		},
		{
			name:        "the snapshotter fails",
			snapshotter: &fakeSnapshotter{statErr: errors.New("connection refused"), committed: map[string]bool{}},
			wantErr:     []string{`snapshotter "extra", layer ` + base, "connection refused"},
		},
	}
	defer func(d time.Duration) { statTimeout = d }(statTimeout)
	statTimeout = 50 * time.Millisecond
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out recorded
			store := extrastorage.New("/srv/store", false)
			linked, err := prepareLayers(context.Background(), store, Target{Snapshotter: tc.snapshotter, SnapshotterName: "extra"}, img.Layers, &out)
			if tc.wantErr != nil {
				for _, w := range tc.wantErr {
					assert.Check(t, is.ErrorContains(err, w))
				}
				class := tc.wantClass
				if class == nil {
					class = cerrdefs.IsUnavailable
				}
				assert.Check(t, class(err), "%v", err)
				assert.Check(t, is.DeepEqual(tc.snapshotter.viewed, tc.wantViewed))
				assert.Check(t, is.Len(tc.snapshotter.removed, tc.wantRemoved))
				assert.Check(t, is.DeepEqual(tc.snapshotter.removed, tc.snapshotter.prepared[:tc.wantRemoved]))
				assert.Check(t, is.DeepEqual(tc.snapshotter.parents, tc.wantParents))
				return
			}
			assert.NilError(t, err)
			assert.Check(t, is.Equal(linked, tc.wantLinked))
			var actions []string
			for i, p := range out {
				assert.Check(t, is.Equal(p.ID, stringid.TruncateID(string(img.Layers[i].DiffID))))
				actions = append(actions, p.Action)
			}
			assert.Check(t, is.DeepEqual(actions, tc.wantActions))
			assert.Check(t, is.DeepEqual(tc.snapshotter.parents, tc.wantParents))
			assert.Check(t, is.DeepEqual(tc.snapshotter.viewed, tc.wantViewed))
			// The view that checked the chain is gone again.
			assert.Check(t, is.Len(tc.snapshotter.removed, len(tc.wantViewed)))
		})
	}
}
