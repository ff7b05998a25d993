package extrastorage

import "github.com/moby/moby/v2/errdefs"

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
