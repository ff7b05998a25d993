package extrastorage

import (
	"github.com/docker/docker/daemon/config"
	"github.com/docker/docker/errdefs"
)

// RequireGraphDriver refuses a daemon that would serve extra-storage pulls
// from the containerd image store, or that may migrate to it at start: links
// into a store are made by the layer store of the graph-driver image store,
// so under containerd every NAME:TAG-extra pull would go to a registry.
func RequireGraphDriver(extraStorage, graphDriver, migrates bool) error {
	if !extraStorage {
		return nil
	}
	if !graphDriver {
		return errdefs.InvalidParameter(errNeedsGraphDriver(`which this daemon would use: remove extra-storage or set "features": {"containerd-snapshotter": false} in daemon.json`))
	}
	if migrates {
		return errdefs.InvalidParameter(errNeedsGraphDriver(`to which the "containerd-migration" feature may move this daemon: remove extra-storage or remove "containerd-migration" from "features" in daemon.json`))
	}
	return nil
}

type errNeedsGraphDriver string

func (e errNeedsGraphDriver) Error() string {
	return "extra-storage is not available with the containerd image store, " + string(e)
}

// RequireImageStore refuses a daemon that could not serve extra-storage
// pulls: on the containerd image store, layers are linked by the snapshotter
// dockerd unpacks with (snapshotter, "storage-driver"), which must be
// extra-snapshotter (config.CheckExtraSnapshotter). The containerd-migration
// feature is refused as RequireGraphDriver does.
func RequireImageStore(extraStorage, graphDriver bool, snapshotter string, migrates bool) error {
	if !extraStorage || graphDriver || migrates {
		return RequireGraphDriver(extraStorage, true, migrates)
	}
	if err := config.CheckExtraSnapshotter(snapshotter); err != nil {
		return errdefs.InvalidParameter(err)
	}
	return nil
}
