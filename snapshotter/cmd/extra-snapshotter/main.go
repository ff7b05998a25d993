// Command extra-snapshotter serves containerd's snapshot API on a unix
// socket: containerd's overlayfs snapshotter, plus the layers of an extra
// store (a read-only dockerd overlay2 data-root) as read-only snapshots,
// zero copy. containerd uses it as a proxy plugin:
//
//	[proxy_plugins.extra]
//	  type = "snapshot"
//	  address = "/run/extra-snapshotter/extra-snapshotter.sock"
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	snapshotsapi "github.com/containerd/containerd/api/services/snapshots/v1"
	"github.com/containerd/containerd/v2/contrib/snapshotservice"
	"github.com/containerd/log"
	"google.golang.org/grpc"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/extra"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage"
	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/moby/config"
)

const usage = `Usage: extra-snapshotter [flags]

A containerd snapshotter: containerd's overlayfs snapshotter, plus the layers
of an extra store (a read-only dockerd overlay2 data-root, often on NFS)
served as read-only snapshots by chain ID, with no byte copied. Nothing is
ever written to the store. Configure containerd with

  [proxy_plugins.extra]
    type = "snapshot"
    address = "<--address>"

and dockerd (containerd image store) with "storage-driver": "extra".

Flags:
`

// options are the command line.
type options struct {
	root, state, address, store, verify, logLevel string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("extra-snapshotter", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.root, "root", "/var/lib/extra-snapshotter", "directory of the snapshots and their metadata")
	fs.StringVar(&o.state, "state", "/run/extra-snapshotter", "directory of the store layers' mounts; must be emptied at boot (tmpfs)")
	fs.StringVar(&o.address, "address", "/run/extra-snapshotter/extra-snapshotter.sock", "unix socket to serve containerd's snapshot API on")
	fs.StringVar(&o.store, "extra-store", config.DefaultExtraStoragePath, `path of the extra store; "" serves ordinary snapshots only`)
	fs.StringVar(&o.verify, "verify", config.VerifyContent, `"content": hash each layer against its diffID before linking it; "trusted": a store the administrator controls`)
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(stderr, "  --%-12s %s (default %q)\n", f.Name, f.Usage, f.DefValue)
		})
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, p := range []string{o.root, o.state, o.address} {
		if !filepath.IsAbs(p) {
			return o, fmt.Errorf("%q must be an absolute path", p)
		}
	}
	if o.verify != config.VerifyContent && o.verify != config.VerifyTrusted {
		return o, fmt.Errorf("--verify %q must be %q or %q", o.verify, config.VerifyContent, config.VerifyTrusted)
	}
	if o.store != "" && !filepath.IsAbs(o.store) {
		return o, fmt.Errorf("--extra-store %q must be an absolute path", o.store)
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "extra-snapshotter: %v (see --help)\n", err)
		os.Exit(2)
	}
	if err := log.SetLevel(o.logLevel); err != nil {
		fmt.Fprintf(os.Stderr, "extra-snapshotter: --log-level: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.G(ctx).WithError(err).Error("extra-snapshotter stopped")
		os.Exit(1)
	}
}

// run serves until ctx is cancelled (SIGTERM, SIGINT), then stops
// accepting calls, lets those under way finish for a while, and closes.
func run(ctx context.Context, o options) (retErr error) {
	var store *extrastorage.Store
	if o.store != "" {
		store = extrastorage.New(o.store, o.verify == config.VerifyContent)
	}
	sn, err := extra.New(ctx, extra.Config{Root: o.root, State: o.state, Store: store})
	if err != nil {
		return err
	}
	defer func() { retErr = errors.Join(retErr, sn.Close()) }()

	l, err := listen(o.address)
	if err != nil {
		return err
	}
	defer os.Remove(o.address)
	rpc := grpc.NewServer()
	snapshotsapi.RegisterSnapshotsServer(rpc, snapshotservice.FromSnapshotter(sn))
	served := make(chan error, 1)
	go func() { served <- rpc.Serve(l) }()
	log.G(ctx).WithFields(log.Fields{"address": o.address, "root": o.root, "extra-store": o.store, "verify": o.verify}).Info("extra-snapshotter serving")

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.G(ctx).Info("extra-snapshotter stopping")
	stopped := make(chan struct{})
	go func() { rpc.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		rpc.Stop()
	}
	return nil
}

// listen opens the unix socket at address, replacing a socket left by a
// previous run (and nothing else).
func listen(address string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(address), 0o700); err != nil {
		return nil, err
	}
	if fi, err := os.Lstat(address); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("%s exists and is not a socket", address)
		}
		if err := os.Remove(address); err != nil {
			return nil, err
		}
	}
	return net.Listen("unix", address)
}
