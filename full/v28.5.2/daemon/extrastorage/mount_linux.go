//go:build linux

package extrastorage

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/moby/sys/mount"
	"github.com/moby/sys/mountinfo"
)

// networkTypes are mounted through the system mount helper (mount.nfs and
// friends resolve servers and negotiate versions; the syscall cannot).
var networkTypes = map[string]bool{
	"nfs": true, "nfs4": true, "cifs": true, "smb3": true, "ceph": true,
	"glusterfs": true, "fuse.sshfs": true, "9p": true,
}

// mountHelper and mountHelperTimeout are variables for tests. A network
// filesystem whose server does not answer would otherwise block the daemon's
// start-up for ever.
var (
	mountHelper        = "mount"
	mountHelperTimeout = 30 * time.Second
)

// mountStore mounts device at path unless something is mounted there
// already. It reports whether it mounted, so only that is unmounted later.
func mountStore(ctx context.Context, path, device, fsType, options string) (bool, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return false, fmt.Errorf("extra storage: creating mount point %s: %w", path, err)
	}
	already, err := mountinfo.Mounted(path)
	if err != nil {
		return false, fmt.Errorf("extra storage: checking mounts at %s: %w", path, err)
	}
	if already {
		return false, nil
	}
	opts := mountOptions(options)
	switch methodFor(device, fsType) {
	case mountNetwork:
		err = mountWithHelper(ctx, path, device, fsType, opts)
	case mountLoop:
		err = mountImage(path, device, fsType, opts)
	default:
		if err = mount.Mount(device, path, fsType, opts); err != nil {
			err = fmt.Errorf("extra storage: mounting %s (%s, %s) at %s: %w", device, fsType, opts, path, err)
		}
	}
	return err == nil, err
}

// mountMethod is how a device is mounted.
type mountMethod int

const (
	mountDirect  mountMethod = iota // a block device, by mount(2)
	mountNetwork                    // a network filesystem, by the system mount helper
	mountLoop                       // a regular file holding an image, through a loop device
)

// methodFor tells how device is mounted. A file's type is checked again on
// the descriptor that is attached (mountImage).
func methodFor(device, fsType string) mountMethod {
	if networkTypes[fsType] {
		return mountNetwork
	}
	if fi, err := os.Stat(device); err == nil && fi.Mode().IsRegular() {
		return mountLoop
	}
	return mountDirect
}

// mountWithHelper runs the system mount helper (mount.nfs and friends), in
// bounded time.
func mountWithHelper(ctx context.Context, path, device, fsType, opts string) error {
	mctx, cancel := context.WithTimeout(ctx, mountHelperTimeout)
	defer cancel()
	cmd := exec.CommandContext(mctx, mountHelper, "-t", fsType, "-o", opts, device, path)
	// A helper stuck in the kernel may not die at once; do not wait
	// for its output for ever either.
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.CombinedOutput()
	if mctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("extra storage: mount -t %s -o %s %s %s: timed out after %s (is the server reachable?)", fsType, opts, device, path, mountHelperTimeout)
	}
	if err != nil {
		return fmt.Errorf("extra storage: mount -t %s -o %s %s %s: %v: %s", fsType, opts, device, path, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// mountImage mounts a filesystem image (erofs, ext4, squashfs) through a loop
// device that dockerd attaches itself, read-only and with autoclear: the
// device goes when the store is unmounted, or at once if the mount fails.
func mountImage(path, image, fsType, opts string) error {
	f, err := openImage(image)
	if err != nil {
		return err
	}
	defer f.Close()
	dev, err := attachLoop(f)
	if err != nil {
		return err
	}
	defer dev.Close()
	if err := mount.Mount(dev.Name(), path, fsType, opts); err != nil {
		return fmt.Errorf("extra storage: mounting image %s (%s on %s, %s) at %s: %w", image, fsType, dev.Name(), opts, path, err)
	}
	return nil
}

func unmountStore(path string) error {
	if err := mount.Unmount(path); err != nil {
		return fmt.Errorf("extra storage: unmounting %s: %w", path, err)
	}
	return nil
}
