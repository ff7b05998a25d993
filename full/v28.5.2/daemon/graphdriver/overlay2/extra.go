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

// checkExternalDiffs makes a missing extra storage a clear error before
// mounting: diffDir and each l/<short> link of lowers must resolve; when one
// does not, the message names the external path it points to.
func (d *Driver) checkExternalDiffs(diffDir, lowers string) error {
	dirs := []string{diffDir}
	for _, l := range strings.Split(lowers, ":") {
		dirs = append(dirs, path.Join(d.home, l))
	}
	for _, dir := range dirs {
		if _, err := os.Stat(dir); err == nil || !os.IsNotExist(err) {
			continue
		}
		target := dir
		for i := 0; i < 4; i++ {
			link, err := os.Readlink(target)
			if err != nil {
				break
			}
			if !filepath.IsAbs(link) {
				link = filepath.Join(filepath.Dir(target), link)
			}
			target = link
		}
		return fmt.Errorf("layer data %s is missing (extra storage not mounted or incomplete?): needed by %s", target, dir)
	}
	return nil
}
