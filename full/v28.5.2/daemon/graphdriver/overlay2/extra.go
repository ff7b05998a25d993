//go:build linux

package overlay2

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// CreateFromExternalDiff creates layer id on top of parent like Create, but
// its diff directory is a symlink to diffDir (a layer in the extra storage),
// so no data is copied. overlayfs follows the link for lowerdir, Remove
// deletes only the link, and the target is never written: such a layer is
// only ever a lower layer.
func (d *Driver) CreateFromExternalDiff(id, parent, diffDir string) (retErr error) {
	if !filepath.IsAbs(diffDir) {
		return fmt.Errorf("overlay2: external diff %q must be an absolute path", diffDir)
	}
	// Get refuses a target that no longer resolves to itself, so only accept
	// one that does now.
	if resolved, err := filepath.EvalSymlinks(diffDir); err != nil {
		return fmt.Errorf("overlay2: external diff %s: %w", diffDir, err)
	} else if resolved != diffDir {
		return fmt.Errorf("overlay2: external diff %s must be a resolved path (it resolves to %s)", diffDir, resolved)
	}
	if err := d.Create(id, parent, nil); err != nil {
		return err
	}
	defer func() {
		if retErr != nil {
			_ = d.Remove(id)
		}
	}()
	diff := path.Join(d.dir(id), diffDirName)
	if err := os.Remove(diff); err != nil {
		return err
	}
	return os.Symlink(diffDir, diff)
}

// checkExternalDiffs runs before every mount. For the layer's own diff and
// each l/<short> lower link it finds the layer's diff directory; when that is
// a symlink (a linked layer) its target t was fully resolved at
// registration, so t must still resolve to itself: whoever controls the store
// could otherwise swap t (or a directory above it) for a symlink to the host
// root and have it mounted as a lower layer. Any error reading t (ENOENT,
// ESTALE, EIO, ENOTCONN of a network store) is reported as the store missing.
func (d *Driver) checkExternalDiffs(diffDir, lowers string) error {
	dirs := []string{diffDir}
	for _, l := range strings.Split(lowers, ":") {
		if l != "" {
			dirs = append(dirs, path.Join(d.home, l))
		}
	}
	for _, dir := range dirs {
		if err := checkExternalDiff(dir); err != nil {
			return err
		}
	}
	return nil
}

func checkExternalDiff(dir string) error {
	diff := dir
	if link, err := os.Readlink(dir); err == nil && !filepath.IsAbs(link) {
		// l/<short> -> ../<id>/diff
		diff = filepath.Join(filepath.Dir(dir), link)
	}
	fi, err := os.Lstat(diff)
	if err != nil {
		return fmt.Errorf("layer directory %s: %w", diff, err)
	}
	if fi.Mode()&os.ModeSymlink == 0 {
		return nil
	}
	target, err := os.Readlink(diff)
	if err != nil {
		return fmt.Errorf("layer data %s is unreadable (extra storage not mounted or incomplete?): %w", diff, err)
	}
	resolved, err := filepath.EvalSymlinks(target)
	if err != nil {
		if os.IsNotExist(err) {
			return fmt.Errorf("layer data %s is missing (extra storage not mounted or incomplete?): needed by %s: %w", target, dir, err)
		}
		return fmt.Errorf("layer data %s is unreadable (extra storage not mounted or failing?): needed by %s: %w", target, dir, err)
	}
	if resolved != target {
		return fmt.Errorf("refusing to mount linked layer data %s: it now resolves to %s (the extra storage was changed after the pull)", target, resolved)
	}
	return nil
}
