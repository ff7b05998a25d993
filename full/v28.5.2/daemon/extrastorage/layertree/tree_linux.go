//go:build linux

package layertree

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/docker/docker/daemon/extrastorage/beneath"
	"golang.org/x/sys/unix"
)

// Check walks root (an O_PATH handle of the layer's directory), every
// entry opened confined (package beneath), and compares it with what
// applying headers, in order, writes.
func Check(root *os.File, headers []*tar.Header) error {
	return checkTree(root, expected(headers))
}

// kind is what applying a header leaves on disk.
type kind int

const (
	kindHeader   kind = iota // the header's own file
	kindWhiteout             // a 0/0 character device
	kindParent               // a directory untar creates for a deeper entry
)

type entry struct {
	kind   kind
	hdr    *tar.Header
	opaque bool // a directory marked opaque by a ".wh..wh..opq" entry
	// links are the headers of hard links to this file: untar applies
	// their mode and owner to the shared inode too, on some engine lines.
	links []*tar.Header
}

// expected lists what applying headers writes, by clean relative path.
// A later header for the same path replaces the earlier, as untar does.
func expected(headers []*tar.Header) map[string]*entry {
	want := map[string]*entry{}
	var opaque []string
	for _, hdr := range headers {
		name := tarPath(hdr.Name)
		if name == "" {
			continue
		}
		dir, base := path.Split(name)
		dir = strings.TrimSuffix(dir, "/")
		switch {
		case base == ".wh..wh..opq":
			// The mark's directory, like any parent, exists.
			opaque = append(opaque, dir)
		case strings.HasPrefix(base, ".wh."):
			// Every other ".wh." name, AUFS metadata included, becomes
			// a whiteout of the rest of the name.
			name = path.Join(dir, strings.TrimPrefix(base, ".wh."))
			want[name] = &entry{kind: kindWhiteout, hdr: hdr}
		default:
			want[name] = &entry{kind: kindHeader, hdr: hdr}
		}
		for p := path.Dir(name); p != "." && p != ""; p = path.Dir(p) {
			if _, ok := want[p]; !ok {
				want[p] = &entry{kind: kindParent}
			}
		}
	}
	for _, dir := range opaque {
		if e, ok := want[dir]; ok {
			e.opaque = true
		}
	}
	for _, e := range want {
		if e.kind == kindHeader && e.hdr.Typeflag == tar.TypeLink {
			if target, ok := want[tarPath(e.hdr.Linkname)]; ok && target.kind == kindHeader {
				target.links = append(target.links, e.hdr)
			}
		}
	}
	return want
}

// tarPath is a tar name as a clean path relative to the layer, "" for the
// layer's root.
func tarPath(name string) string {
	p := path.Clean("/" + name)
	return strings.TrimPrefix(p, "/")
}

// treeMismatch lists the first differences found, and how many there were.
type treeMismatch struct {
	found []string
	total int
}

func (m *treeMismatch) add(rel, format string, args ...any) {
	m.total++
	if len(m.found) < 5 {
		m.found = append(m.found, fmt.Sprintf("%s: %s", rel, fmt.Sprintf(format, args...)))
	}
}

func (m *treeMismatch) err() error {
	if m.total == 0 {
		return nil
	}
	msg := strings.Join(m.found, "; ")
	if m.total > len(m.found) {
		msg += fmt.Sprintf("; and %d more", m.total-len(m.found))
	}
	return fmt.Errorf("its directory does not match its tar-split: %s", msg)
}

type inode struct{ dev, ino uint64 }

// checkTree walks root, every handle opened confined (package beneath),
// and compares each entry with want; then it checks each entry of want was
// found and each hard link is the inode of its target.
func checkTree(root *os.File, want map[string]*entry) error {
	var m treeMismatch
	seen := map[string]inode{}
	var walk func(rel string) error
	walk = func(rel string) error {
		h := root
		if rel != "" {
			var err error
			if h, err = beneath.Path(root, rel); err != nil {
				return err
			}
			defer h.Close()
		}
		var st unix.Stat_t
		if err := unix.Fstat(int(h.Fd()), &st); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		if rel != "" {
			seen[rel] = inode{uint64(st.Dev), st.Ino}
			e, ok := want[rel]
			if !ok {
				m.add(rel, "is not in the layer")
				return nil
			}
			if err := compareEntry(&m, rel, h, &st, e); err != nil {
				return err
			}
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return nil
		}
		names, err := readDirNames(h)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		for _, name := range names {
			if err := walk(path.Join(rel, name)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(""); err != nil {
		return err
	}
	for _, rel := range sortedKeys(want) {
		e := want[rel]
		got, ok := seen[rel]
		if !ok {
			m.add(rel, "is missing")
			continue
		}
		if e.kind == kindHeader && e.hdr.Typeflag == tar.TypeLink {
			target, ok := seen[tarPath(e.hdr.Linkname)]
			if !ok || target != got {
				m.add(rel, "is not a hard link to %s", tarPath(e.hdr.Linkname))
			}
		}
	}
	return m.err()
}

func sortedKeys(want map[string]*entry) []string {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func readDirNames(h *os.File) ([]string, error) {
	f, err := beneath.Reopen(h)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	sort.Strings(names)
	return names, err
}

// compareEntry checks one file against what its header makes.
func compareEntry(m *treeMismatch, rel string, h *os.File, st *unix.Stat_t, e *entry) error {
	typ := st.Mode & unix.S_IFMT
	perm := st.Mode & 0o7777
	switch e.kind {
	case kindParent:
		if typ != unix.S_IFDIR {
			m.add(rel, "is a %s, not a directory", kindOf(typ))
			return nil
		}
		if perm != 0o755 || st.Uid != 0 || st.Gid != 0 {
			m.add(rel, "is a directory untar creates as 0755 root:root, found %04o %d:%d", perm, st.Uid, st.Gid)
		}
		return compareXattrs(m, rel, h, nil, e.opaque)
	case kindWhiteout:
		if typ != unix.S_IFCHR || st.Rdev != 0 {
			m.add(rel, "is a %s, not the whiteout (0/0 character device) its tar-split names", kindOf(typ))
			return nil
		}
		if int(st.Uid) != e.hdr.Uid || int(st.Gid) != e.hdr.Gid {
			m.add(rel, "whiteout owned by %d:%d, the layer says %d:%d", st.Uid, st.Gid, e.hdr.Uid, e.hdr.Gid)
		}
		return compareXattrs(m, rel, h, nil, false)
	}
	hdr := e.hdr
	if hdr.Typeflag == tar.TypeLink {
		// The target's header holds the mode and owner; checkTree compares
		// the inodes once every entry is seen.
		return nil
	}
	wantType, ok := headerType(hdr.Typeflag)
	if !ok {
		m.add(rel, "has tar type %q, which untar does not write", hdr.Typeflag)
		return nil
	}
	if typ != wantType {
		m.add(rel, "is a %s, the layer says %s", kindOf(typ), kindOf(wantType))
		return nil
	}
	if !e.allows(func(h *tar.Header) bool { return int(st.Uid) == h.Uid && int(st.Gid) == h.Gid }) {
		m.add(rel, "owned by %d:%d, the layer says %d:%d", st.Uid, st.Gid, hdr.Uid, hdr.Gid)
	}
	switch typ {
	case unix.S_IFLNK:
		target, err := readlinkHandle(h)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		if target != hdr.Linkname {
			m.add(rel, "links to %q, the layer says %q", target, hdr.Linkname)
		}
		// Symlinks carry no mode, and their xattrs cannot be read without
		// following them.
		return nil
	case unix.S_IFCHR, unix.S_IFBLK:
		if unix.Major(uint64(st.Rdev)) != uint32(hdr.Devmajor) || unix.Minor(uint64(st.Rdev)) != uint32(hdr.Devminor) {
			m.add(rel, "is device %d:%d, the layer says %d:%d", unix.Major(uint64(st.Rdev)), unix.Minor(uint64(st.Rdev)), hdr.Devmajor, hdr.Devminor)
		}
	}
	if !e.allows(func(h *tar.Header) bool { return perm == uint32(h.Mode)&0o7777 }) {
		m.add(rel, "has mode %04o, the layer says %04o", perm, uint32(hdr.Mode)&0o7777)
	}
	return compareXattrs(m, rel, h, headerXattrs(hdr), e.opaque)
}

// allows reports whether the file's own header or the header of a hard
// link to it gives what ok looks for.
func (e *entry) allows(ok func(*tar.Header) bool) bool {
	if ok(e.hdr) {
		return true
	}
	for _, h := range e.links {
		if ok(h) {
			return true
		}
	}
	return false
}

func headerType(flag byte) (uint32, bool) {
	switch flag {
	case tar.TypeReg, tar.TypeRegA:
		return unix.S_IFREG, true
	case tar.TypeDir:
		return unix.S_IFDIR, true
	case tar.TypeSymlink:
		return unix.S_IFLNK, true
	case tar.TypeChar:
		return unix.S_IFCHR, true
	case tar.TypeBlock:
		return unix.S_IFBLK, true
	case tar.TypeFifo:
		return unix.S_IFIFO, true
	}
	return 0, false
}

func kindOf(typ uint32) string {
	return beneath.Kind(modeOf(typ))
}

func modeOf(typ uint32) os.FileMode {
	switch typ {
	case unix.S_IFDIR:
		return os.ModeDir
	case unix.S_IFLNK:
		return os.ModeSymlink
	case unix.S_IFCHR:
		return os.ModeDevice | os.ModeCharDevice
	case unix.S_IFBLK:
		return os.ModeDevice
	case unix.S_IFIFO:
		return os.ModeNamedPipe
	case unix.S_IFSOCK:
		return os.ModeSocket
	}
	return 0
}

const paxXattr = "SCHILY.xattr."

func headerXattrs(hdr *tar.Header) map[string]string {
	x := map[string]string{}
	for k, v := range hdr.PAXRecords {
		if name, ok := strings.CutPrefix(k, paxXattr); ok {
			x[name] = v
		}
	}
	return x
}

// compareXattrs holds a file's xattrs to the header's. On disk there may be
// besides: an SELinux label (the store's host labels what it writes), and on
// an opaque directory the overlay opaque mark, in its root or rootless form.
func compareXattrs(m *treeMismatch, rel string, h *os.File, want map[string]string, opaque bool) error {
	got, err := readXattrs(h)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	if opaque {
		mark, ok := got["trusted.overlay.opaque"]
		if !ok {
			mark, ok = got["user.overlay.opaque"]
		}
		if !ok || mark != "y" {
			m.add(rel, "is not marked opaque, the layer says it is")
		}
	}
	for name, value := range got {
		switch {
		case name == "security.selinux":
		case opaque && (name == "trusted.overlay.opaque" || name == "user.overlay.opaque"):
		default:
			if w, ok := want[name]; !ok {
				m.add(rel, "has xattr %s, which the layer does not", name)
			} else if w != value {
				m.add(rel, "has another value of xattr %s than the layer", name)
			}
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			m.add(rel, "lacks xattr %s, which the layer has", name)
		}
	}
	return nil
}

// readXattrs reads the xattrs of the inode behind an O_PATH handle (not a
// symlink): through /proc, whose link leads to that inode, not to its path.
func readXattrs(h *os.File) (map[string]string, error) {
	p := beneath.FdPath(h)
	size, err := unix.Listxattr(p, nil)
	if errors.Is(err, unix.ENOTSUP) {
		return nil, nil
	}
	if err != nil || size == 0 {
		return nil, err
	}
	buf := make([]byte, size)
	if size, err = unix.Listxattr(p, buf); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, name := range bytes.Split(buf[:size], []byte{0}) {
		if len(name) == 0 {
			continue
		}
		value, err := getxattr(p, string(name))
		if err != nil {
			return nil, err
		}
		out[string(name)] = value
	}
	return out, nil
}

func getxattr(p, name string) (string, error) {
	size, err := unix.Getxattr(p, name, nil)
	if err != nil {
		return "", err
	}
	buf := make([]byte, size)
	if size, err = unix.Getxattr(p, name, buf); err != nil {
		return "", err
	}
	return string(buf[:size]), nil
}

// readlinkHandle reads the symlink an O_PATH|O_NOFOLLOW handle holds.
func readlinkHandle(h *os.File) (string, error) {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(int(h.Fd()), "", buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}
