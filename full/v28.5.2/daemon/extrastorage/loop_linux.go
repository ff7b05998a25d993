//go:build linux

package extrastorage

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

const (
	loopControl = "/dev/loop-control"
	// loopAttempts bounds the retries when another program takes the free
	// loop device between LOOP_CTL_GET_FREE and LOOP_CONFIGURE.
	loopAttempts = 8
)

// attachLoop attaches the opened image to a free loop device, read-only and
// with autoclear, and returns the loop device, open. The caller mounts it and
// then closes it: from then on the mount holds the device and the kernel
// detaches it when the mount goes. Closed without a mount, it is detached at
// once. What is attached is the descriptor the caller checked, not a path.
func attachLoop(image *os.File) (_ *os.File, retErr error) {
	ctl, err := os.OpenFile(loopControl, os.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("extra storage: loop devices are not available (modprobe loop?): %w", err)
	}
	defer ctl.Close()
	for attempt := 1; ; attempt++ {
		n, err := unix.IoctlRetInt(int(ctl.Fd()), unix.LOOP_CTL_GET_FREE)
		if err != nil {
			return nil, fmt.Errorf("extra storage: finding a free loop device: %w", err)
		}
		dev, err := os.OpenFile(fmt.Sprintf("/dev/loop%d", n), os.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("extra storage: opening loop device %d: %w", n, err)
		}
		err = configureLoop(dev, image)
		if err == nil {
			return dev, nil
		}
		dev.Close()
		if !errors.Is(err, unix.EBUSY) || attempt == loopAttempts {
			return nil, fmt.Errorf("extra storage: attaching %s to %s: %w", image.Name(), dev.Name(), err)
		}
	}
}

// configureLoop sets the backing file of dev in one step (LOOP_CONFIGURE,
// Linux 5.8), or in two on older kernels (LOOP_SET_FD, LOOP_SET_STATUS64;
// read-only there because the image is open read-only).
func configureLoop(dev, image *os.File) error {
	info := unix.LoopInfo64{Flags: unix.LO_FLAGS_READ_ONLY | unix.LO_FLAGS_AUTOCLEAR}
	copy(info.File_name[:len(info.File_name)-1], image.Name())
	err := unix.IoctlLoopConfigure(int(dev.Fd()), &unix.LoopConfig{Fd: uint32(image.Fd()), Info: info})
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTTY) {
		return err
	}
	if err := unix.IoctlSetInt(int(dev.Fd()), unix.LOOP_SET_FD, int(image.Fd())); err != nil {
		return err
	}
	if err := unix.IoctlLoopSetStatus64(int(dev.Fd()), &info); err != nil {
		_ = unix.IoctlSetInt(int(dev.Fd()), unix.LOOP_CLR_FD, 0)
		return err
	}
	return nil
}

// openImage opens a filesystem image read-only and checks, on the opened
// descriptor, that it is a regular file.
func openImage(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("extra storage: opening image %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("extra storage: opening image %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("extra storage: image %s is not a regular file (%s)", path, fi.Mode().Type())
	}
	return f, nil
}
