package extra

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/extrastorage/beneath"
)

// mountsDir, below State, holds the mount point of each linked layer, named
// after the overlay snapshotter's ID of its snapshot.
const mountsDir = "layers"

func (s *Snapshotter) mountPoint(id string) string {
	return filepath.Join(s.state, mountsDir, id)
}

// mountLayer bind-mounts the directory behind the handle dir (opened
// confined, checked) read-only at the layer's mount point: through
// /proc/self/fd the kernel mounts that very directory, whatever the store
// has renamed or swapped since it was checked.
func (s *Snapshotter) mountLayer(id string, dir *os.File) (retErr error) {
	target := s.mountPoint(id)
	if err := os.Mkdir(target, 0o700); err != nil {
		return err
	}
	defer func() {
		if retErr != nil {
			os.Remove(target)
		}
	}()
	if err := unix.Mount(beneath.FdPath(dir), target, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind-mounting the store's layer at %s: %w", target, err)
	}
	flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV)
	if err := unix.Mount("", target, "", flags, ""); err != nil {
		_ = unix.Unmount(target, unix.MNT_DETACH)
		return fmt.Errorf("making the store's layer at %s read-only: %w", target, err)
	}
	return nil
}

// unmountLayer detaches the layer's mount, if any (lazily: it never waits on
// the store), and removes the mount point.
func (s *Snapshotter) unmountLayer(id string) error {
	target := s.mountPoint(id)
	mounted, err := mountinfo.Mounted(target)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if mounted {
		if err := unix.Unmount(target, unix.MNT_DETACH); err != nil {
			return fmt.Errorf("unmounting %s: %w", target, err)
		}
	}
	if err := os.Remove(target); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func (s *Snapshotter) layerMounted(id string) (bool, error) {
	mounted, err := mountinfo.Mounted(s.mountPoint(id))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return mounted, err
}
