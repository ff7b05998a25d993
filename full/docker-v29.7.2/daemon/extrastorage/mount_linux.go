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
	// A file as device is an image: the helper sets up the loop device.
	if fi, err := os.Stat(device); networkTypes[fsType] || (err == nil && fi.Mode().IsRegular()) {
		mctx, cancel := context.WithTimeout(ctx, mountHelperTimeout)
		defer cancel()
		cmd := exec.CommandContext(mctx, mountHelper, "-t", fsType, "-o", opts, device, path)
		// A helper stuck in the kernel may not die at once; do not wait
		// for its output for ever either.
		cmd.WaitDelay = 2 * time.Second
		out, err := cmd.CombinedOutput()
		if mctx.Err() == context.DeadlineExceeded {
			return false, fmt.Errorf("extra storage: mount -t %s -o %s %s %s: timed out after %s (is the server reachable?)", fsType, opts, device, path, mountHelperTimeout)
		}
		if err != nil {
			return false, fmt.Errorf("extra storage: mount -t %s -o %s %s %s: %v: %s", fsType, opts, device, path, err, strings.TrimSpace(string(out)))
		}
		return true, nil
	}
	if err := mount.Mount(device, path, fsType, opts); err != nil {
		return false, fmt.Errorf("extra storage: mounting %s (%s, %s) at %s: %w", device, fsType, opts, path, err)
	}
	return true, nil
}

func unmountStore(path string) error {
	if err := mount.Unmount(path); err != nil {
		return fmt.Errorf("extra storage: unmounting %s: %w", path, err)
	}
	return nil
}
