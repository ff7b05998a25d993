package beneath

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// resolve is what openat2 enforces on every component: stay below the
// directory, follow no symlink and no /proc magic link.
const resolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// OpenRoot opens dir, following symlinks in its path (it is the
// administrator's configured path, not the store's), as an O_PATH handle.
func OpenRoot(dir string) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), dir), nil
}

// Path opens rel below dir as an O_PATH handle (no read, no side effect of
// opening a device or a FIFO); a final symlink is opened as the link itself,
// so the caller's Stat of the handle refuses it.
func Path(dir *os.File, rel string) (*os.File, error) {
	return open(dir, rel, unix.O_PATH)
}

func open(dir *os.File, rel string, flags int) (*os.File, error) {
	if err := checkRel(rel); err != nil {
		return nil, &os.PathError{Op: "open", Path: rel, Err: err}
	}
	flags |= unix.O_NOFOLLOW | unix.O_CLOEXEC
	fd, err := unix.Openat2(int(dir.Fd()), rel, &unix.OpenHow{Flags: uint64(flags), Resolve: resolve})
	if errors.Is(err, unix.ENOSYS) {
		// Kernels before 5.6 lack openat2: the same
		// confinement, one component at a time, each relative to the last.
		fd, err = walk(int(dir.Fd()), rel, flags)
	}
	if err != nil {
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EXDEV) {
			err = fmt.Errorf("a symlink or a path leaving the store is on the way: %w", err)
		}
		return nil, &os.PathError{Op: "open", Path: rel, Err: err}
	}
	return os.NewFile(uintptr(fd), dir.Name()+"/"+rel), nil
}

func walk(dirfd int, rel string, flags int) (int, error) {
	parts := strings.Split(rel, "/")
	cur := dirfd
	for i, part := range parts {
		f := unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if i == len(parts)-1 {
			f = flags
		}
		next, err := unix.Openat(cur, part, f, 0)
		if cur != dirfd {
			_ = unix.Close(cur)
		}
		if err != nil {
			return -1, err
		}
		cur = next
	}
	return cur, nil
}

// Reopen opens the very file behind an O_PATH handle for reading, without
// blocking (a FIFO swapped in cannot hang the reader).
func Reopen(h *os.File) (*os.File, error) {
	return os.OpenFile(FdPath(h), os.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
}

// FdPath names an open file through /proc, so a path-taking call (mount,
// open) reaches that very file and not whatever its path leads to now.
func FdPath(f *os.File) string {
	return "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
}

// Readlink returns the target of the symlink name directly in dir, read
// relative to dir's handle (never followed).
func Readlink(dir *os.File, name string) (string, error) {
	if err := checkRel(name); err != nil || strings.Contains(name, "/") {
		return "", &os.PathError{Op: "readlink", Path: name, Err: fmt.Errorf("%q is not a name in the directory", name)}
	}
	buf := make([]byte, 4096)
	n, err := unix.Readlinkat(int(dir.Fd()), name, buf)
	if err != nil {
		return "", &os.PathError{Op: "readlink", Path: name, Err: err}
	}
	if n == len(buf) {
		return "", &os.PathError{Op: "readlink", Path: name, Err: fmt.Errorf("target longer than %d bytes", len(buf)-1)}
	}
	return string(buf[:n]), nil
}
