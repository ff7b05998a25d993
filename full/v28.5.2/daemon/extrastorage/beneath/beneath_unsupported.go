//go:build !linux

package beneath

import "os"

// OpenRoot is not supported on this system.
func OpenRoot(dir string) (*os.File, error) { return nil, ErrUnsupported }

// Path is not supported on this system.
func Path(dir *os.File, rel string) (*os.File, error) { return nil, ErrUnsupported }

// Reopen is not supported on this system.
func Reopen(h *os.File) (*os.File, error) { return nil, ErrUnsupported }

// FdPath is not supported on this system.
func FdPath(f *os.File) string { return "" }

// Readlink is not supported on this system.
func Readlink(dir *os.File, name string) (string, error) { return "", ErrUnsupported }
