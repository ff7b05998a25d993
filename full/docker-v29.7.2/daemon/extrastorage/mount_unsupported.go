//go:build !linux

package extrastorage

import (
	"context"
	"errors"
)

var errMountUnsupported = errors.New("extra storage: mounting a device is only supported on Linux; mount the store yourself and leave device and type unset")

func mountStore(ctx context.Context, path, device, fsType, options string) (bool, error) {
	return false, errMountUnsupported
}

func unmountStore(path string) error {
	return errMountUnsupported
}
