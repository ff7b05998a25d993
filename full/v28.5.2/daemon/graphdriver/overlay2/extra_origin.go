//go:build linux

package overlay2

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/docker/docker/daemon/extrastorage/origin"
)

// unreadableStoreError means the store's root itself cannot be opened (not
// mounted): the layer is not known to be gone.
type unreadableStoreError struct{ err error }

func (e *unreadableStoreError) Error() string { return e.err.Error() }

// identityOf names a directory's files as opened: inode, ctime and mtime.
// Not the device: it changes with each mount of the same store. The form is
// the one entries have always recorded, so older entries still compare.
func identityOf(st *syscall.Stat_t) string {
	return fmt.Sprintf("%d:%d.%d:%d.%d", st.Ino, st.Ctim.Sec, st.Ctim.Nsec, st.Mtim.Sec, st.Mtim.Nsec)
}

// originOf completes o with where the linked directory is and what it was
// when linked.
func originOf(o origin.Layer, root, rel string, st *syscall.Stat_t) origin.Layer {
	o.Store = root
	o.Source = path.Join(root, rel)
	o.Device = uint64(st.Dev) //nolint:unconvert // uint32 on some platforms
	o.Inode = st.Ino
	o.Mtime = time.Unix(st.Mtim.Sec, st.Mtim.Nsec).UTC().Format(time.RFC3339Nano)
	o.Identity = identityOf(st)
	if o.Generation == "" {
		o.Generation = "none"
	}
	return o
}

// openLinkedChecked opens a linked layer's data and refuses it when it is no
// longer the directory that was linked (the store was republished or
// changed under the image), naming the image and the layer when the entry
// records them.
func openLinkedChecked(l linkedLayer) (*os.File, error) {
	dir, st, err := openLinked(l.Root, l.Rel)
	if err != nil {
		if l.Origin == nil {
			return nil, err
		}
		problem := origin.Unreadable
		var unreadable *unreadableStoreError
		if !errors.As(err, &unreadable) && errors.Is(err, fs.ErrNotExist) {
			problem = origin.Vanished
		}
		return nil, &origin.ChangedError{Layer: *l.Origin, Problem: problem, Err: err}
	}
	now := identityOf(st)
	if now == l.Identity {
		return dir, nil
	}
	dir.Close()
	if l.Origin == nil {
		return nil, fmt.Errorf("refusing linked layer data %s: the extra storage changed it after the pull (identity %s, linked as %s); remove the images that use it and pull them again", path.Join(l.Root, l.Rel), now, l.Identity)
	}
	return nil, &origin.ChangedError{Layer: *l.Origin, Problem: origin.Changed, Now: now}
}

// CheckLinked refuses linked layer id when its directory is no longer the
// one linked, as a mount would: a pull that reuses the layer fails at once,
// naming it, instead of leaving an image that cannot start. A layer that is
// not linked passes.
func (d *Driver) CheckLinked(id string) error {
	return d.checkLinkedBase(id)
}

// AddLinkedImage records ref among the images of linked layer id (a pull
// that reuses it), so a refused mount names it too. It returns the layer's
// origin and whether it changed; a layer that is not linked, or linked
// before origins were recorded, is left as it is. The entry is written
// without an fsync, made durable by the pull's SyncLinked like the rest.
func (d *Driver) AddLinkedImage(id, ref string) (origin.Layer, bool, error) {
	d.locker.Lock(id)
	defer d.locker.Unlock(id)
	x, err := d.links()
	if err != nil {
		return origin.Layer{}, false, err
	}
	l, ok := x.lookup("", id)
	if !ok || l.Origin == nil {
		return origin.Layer{}, false, nil
	}
	o, added := l.Origin.WithImage(ref)
	if !added {
		return o, false, nil
	}
	short, err := os.ReadFile(path.Join(d.dir(id), "link"))
	if err != nil {
		return o, false, err
	}
	l.Origin = &o
	if err := d.writeLinkEntry(strings.TrimSpace(string(short)), l); err != nil {
		return o, false, err
	}
	x.add(strings.TrimSpace(string(short)), l)
	return o, true, nil
}

// writeLinkEntry writes linked layer l's index entry under its short name.
func (d *Driver) writeLinkEntry(short string, l linkedLayer) error {
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(path.Join(d.home, extraLinksDir), 0o700); err != nil {
		return err
	}
	return writeEntry(path.Join(d.home, extraLinksDir, short), data)
}
