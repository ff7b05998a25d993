// Command stargz-grpc serves stargz-snapshotter's remote snapshotter over containerd's snapshots gRPC
// API on a unix socket, so that a containerd configured with
//
//	[proxy_plugins.stargz]
//	  type = "snapshot"
//	  address = "<socket>"
//
// can lazily pull eStargz images. It stands in for upstream's containerd-stargz-grpc (whose module is
// not on the module proxy) with only what the benchmark needs: a root folder, a socket, the library's
// default configuration (registries on localhost are reached over plain HTTP), no keychains, no
// metrics. It stops on SIGTERM or SIGINT, unmounting its layers.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	snapshotsapi "github.com/containerd/containerd/api/services/snapshots/v1"
	"github.com/containerd/containerd/v2/contrib/snapshotservice"
	"github.com/containerd/log"
	"github.com/containerd/stargz-snapshotter/service"
	"google.golang.org/grpc"
)

func main() {
	address := flag.String("address", "", "unix socket to serve the snapshots API on")
	root := flag.String("root", "", "folder for the snapshotter's state and layer cache")
	logLevel := flag.String("log-level", "info", "debug, info, warn or error")
	flag.Parse()
	if err := serve(*address, *root, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "stargz-grpc:", err)
		os.Exit(1)
	}
}

func serve(address, root, logLevel string) (retErr error) {
	if address == "" || root == "" {
		return errors.New("both -address and -root are required")
	}
	if err := log.SetLevel(logLevel); err != nil {
		return fmt.Errorf("log level %q: %w", logLevel, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if err := os.MkdirAll(root, 0o700); err != nil {
		return fmt.Errorf("root %s: %w", root, err)
	}
	snapshotter, err := service.NewStargzSnapshotterService(ctx, root, &service.Config{})
	if err != nil {
		return fmt.Errorf("snapshotter on %s: %w", root, err)
	}
	defer func() {
		if err := snapshotter.Close(); err != nil && retErr == nil {
			retErr = fmt.Errorf("closing the snapshotter: %w", err)
		}
	}()

	if err := os.MkdirAll(filepath.Dir(address), 0o700); err != nil {
		return fmt.Errorf("socket folder for %s: %w", address, err)
	}
	if err := os.Remove(address); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("stale socket %s: %w", address, err)
	}
	listener, err := net.Listen("unix", address)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", address, err)
	}
	server := grpc.NewServer()
	snapshotsapi.RegisterSnapshotsServer(server, snapshotservice.FromSnapshotter(snapshotter))
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	log.G(ctx).WithField("address", address).Info("serving the stargz snapshotter")

	select {
	case <-ctx.Done():
		server.GracefulStop()
		return nil
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", address, err)
	}
}
