package extrastorage

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// lstatConfined checks every component of rel below root with Lstat, so no
// symlink (and no "..") can lead a structural path out of the store, and
// returns the full path and the final component's info.
func lstatConfined(root, rel string) (string, os.FileInfo, error) {
	full := filepath.Join(root, rel)
	if !filepath.IsLocal(rel) {
		return full, nil, badStore(full, "path leaves the store")
	}
	cur := root
	var fi os.FileInfo
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		cur = filepath.Join(cur, part)
		var err error
		if fi, err = os.Lstat(cur); err != nil {
			if os.IsNotExist(err) {
				return full, nil, badStore(cur, "missing")
			}
			return full, nil, badStore(cur, "%v", err)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return full, nil, badStore(cur, "is a symlink; structural paths of the store must not be links")
		}
	}
	return full, fi, nil
}

// openConfined opens a regular file of the store for reading, refusing
// links (also one swapped in after the check: O_NOFOLLOW) and files larger
// than limit bytes.
func openConfined(root, rel string, limit int64) (*os.File, error) {
	full, fi, err := lstatConfined(root, rel)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, badStore(full, "not a regular file")
	}
	if fi.Size() > limit {
		return nil, badStore(full, "%d bytes, more than the %d allowed", fi.Size(), limit)
	}
	f, err := os.OpenFile(full, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, badStore(full, "%v", err)
	}
	return f, nil
}

// readConfined reads a small regular file of the store.
func readConfined(root, rel string, limit int64) ([]byte, error) {
	f, err := openConfined(root, rel, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, badStore(f.Name(), "%v", err)
	}
	if int64(len(data)) > limit {
		return nil, badStore(f.Name(), "more than the %d bytes allowed", limit)
	}
	return data, nil
}

// dirConfined checks that rel is a directory inside the store.
func dirConfined(root, rel string) (string, error) {
	full, fi, err := lstatConfined(root, rel)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", badStore(full, "not a directory")
	}
	return full, nil
}
