package extra

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	snapshotsapi "github.com/containerd/containerd/api/services/snapshots/v1"
	"github.com/containerd/containerd/v2/contrib/snapshotservice"
	"github.com/containerd/containerd/v2/core/snapshots"
	"github.com/containerd/containerd/v2/core/snapshots/proxy"
	"github.com/containerd/containerd/v2/core/snapshots/testsuite"
	"github.com/containerd/errdefs"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"gotest.tools/v3/assert"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/storetest"
)

// TestSnapshotterSuite runs containerd's snapshotter conformance suite: with
// a store configured, every ordinary snapshot behaves as containerd's
// overlayfs snapshotter's.
func TestSnapshotterSuite(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 2)
	testsuite.SnapshotterSuite(t, "overlayfs", func(ctx context.Context, root string) (snapshots.Snapshotter, func() error, error) {
		sn, err := New(ctx, Config{Root: root, State: filepath.Join(root, "state"), Store: extrastorage.New(st.Root, false)})
		if err != nil {
			return nil, nil, err
		}
		return sn, sn.Close, nil
	})
}

// serve serves sn over gRPC on a unix socket, as the command does, and
// returns containerd's client for it.
func serve(t *testing.T, sn snapshots.Snapshotter) snapshots.Snapshotter {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "snapshotter.sock")
	l, err := net.Listen("unix", sock)
	assert.NilError(t, err)
	rpc := grpc.NewServer()
	snapshotsapi.RegisterSnapshotsServer(rpc, snapshotservice.FromSnapshotter(sn))
	go rpc.Serve(l)
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	assert.NilError(t, err)
	t.Cleanup(func() { conn.Close(); rpc.Stop() })
	return proxy.NewSnapshotter(snapshotsapi.NewSnapshotsClient(conn), "extra")
}

// TestSnapshotterSuiteOverGRPC runs the suite through the socket API
// containerd's proxy plugin uses.
func TestSnapshotterSuiteOverGRPC(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 1)
	testsuite.SnapshotterSuite(t, "overlayfs", func(ctx context.Context, root string) (snapshots.Snapshotter, func() error, error) {
		sn, err := New(ctx, Config{Root: root, State: filepath.Join(root, "state"), Store: extrastorage.New(st.Root, false)})
		if err != nil {
			return nil, nil, err
		}
		return serve(t, sn), sn.Close, nil
	})
}

// TestAlreadyExistsCrossesGRPC: the unpacker, behind containerd's proxy,
// must see ErrAlreadyExists for a layer served from the store.
func TestAlreadyExistsCrossesGRPC(t *testing.T) {
	requireOverlay(t)
	st := storetest.New(t, 1)
	client := serve(t, open(t, newDirs(t), st))
	chain := st.ChainIDs[0].String()
	_, err := client.Prepare(context.Background(), "extract-1 "+chain, "", refLabels(chain))
	assert.Check(t, errdefs.IsAlreadyExists(err), "got %v", err)
	info, err := client.Stat(context.Background(), chain)
	assert.NilError(t, err)
	assert.Check(t, info.Kind == snapshots.KindCommitted)
}
