package extrastorage

import (
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestRequireGraphDriver(t *testing.T) {
	tests := []struct {
		name         string
		extraStorage bool
		graphDriver  bool
		migrates     bool
		wantErr      string
	}{
		{name: "no extra-storage, containerd store", graphDriver: false},
		{name: "no extra-storage, migration on", graphDriver: true, migrates: true},
		{name: "graph driver", extraStorage: true, graphDriver: true},
		{name: "containerd store", extraStorage: true, graphDriver: false, wantErr: `"containerd-snapshotter": false`},
		{name: "migration on", extraStorage: true, graphDriver: true, migrates: true, wantErr: `"containerd-migration"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRefusal(t, RequireGraphDriver(tc.extraStorage, tc.graphDriver, tc.migrates), tc.wantErr)
		})
	}
}

func TestRequireImageStore(t *testing.T) {
	tests := []struct {
		name         string
		extraStorage bool
		graphDriver  bool
		snapshotter  string
		migrates     bool
		wantErr      string
	}{
		{name: "no extra-storage, containerd store", snapshotter: "overlayfs"},
		{name: "graph driver", extraStorage: true, graphDriver: true, snapshotter: "overlay2"},
		{name: "graph driver, migration on", extraStorage: true, graphDriver: true, migrates: true, wantErr: `"containerd-migration"`},
		{name: "containerd store, extra-snapshotter", extraStorage: true, snapshotter: "extra"},
		{name: "containerd store, proxy plugin of another name", extraStorage: true, snapshotter: "store-snap"},
		{name: "containerd store, migration on", extraStorage: true, snapshotter: "extra", migrates: true, wantErr: `"containerd-migration"`},
		{name: "containerd store, no storage-driver", extraStorage: true, wantErr: `sets no storage-driver: run extra-snapshotter`},
		{name: "containerd store, overlayfs", extraStorage: true, snapshotter: "overlayfs", wantErr: `storage-driver "overlayfs", which cannot link`},
		{name: "containerd store, a graph driver's name", extraStorage: true, snapshotter: "overlay2", wantErr: `"storage-driver": "extra"`},
		{name: "containerd store, native", extraStorage: true, snapshotter: "native", wantErr: `"storage-driver": "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRefusal(t, RequireImageStore(tc.extraStorage, tc.graphDriver, tc.snapshotter, tc.migrates), tc.wantErr)
		})
	}
}

// checkRefusal: a refusal says what to change in daemon.json and is the
// user's mistake (400); no refusal is no error.
func checkRefusal(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		assert.NilError(t, err)
		return
	}
	assert.Check(t, is.ErrorContains(err, want))
	assert.Check(t, is.ErrorContains(err, "daemon.json"))
	assert.Check(t, cerrdefs.IsInvalidArgument(err), "%v", err)
}
