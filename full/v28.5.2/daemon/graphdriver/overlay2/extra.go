//go:build linux

package overlay2

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"

	"github.com/docker/docker/daemon/extrastorage/beneath"
	"github.com/docker/docker/daemon/extrastorage/origin"
	"github.com/docker/docker/daemon/graphdriver/overlayutils"
)

// extraLinksDir indexes, by their l/<short> name, the layers linked from
// extra storage, so a mount knows which lowers are linked without a system
// call per lower: layers that are not linked pay nothing.
const extraLinksDir = "extra-links"

// linkedLayer is a layer whose data is a directory of the extra storage.
type linkedLayer struct {
	ID       string `json:"id"`       // the local cache-id
	Root     string `json:"root"`     // the store's path
	Rel      string `json:"rel"`      // the layer directory, relative to Root
	Identity string `json:"identity"` // of the directory as linked
	// Origin names the layer and its images for the refusal of a mount;
	// absent from entries written before it existed.
	Origin *origin.Layer `json:"origin,omitempty"`
}

// linkIndex is the driver's in-memory copy of extraLinksDir, loaded on first
// use.
type linkIndex struct {
	once    sync.Once
	mu      sync.Mutex
	byShort map[string]linkedLayer
	byID    map[string]linkedLayer
	loadErr error
	// toRoot climbs from the driver's home to "/" (see climbToRoot).
	toRoot string
}

func (d *Driver) links() (*linkIndex, error) {
	x := &d.extra
	x.once.Do(func() {
		x.byShort, x.byID = map[string]linkedLayer{}, map[string]linkedLayer{}
		x.toRoot = climbToRoot(d.home)
		entries, err := os.ReadDir(path.Join(d.home, extraLinksDir))
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if err != nil {
			x.loadErr = err
			return
		}
		for _, e := range entries {
			p := path.Join(d.home, extraLinksDir, e.Name())
			if strings.HasPrefix(e.Name(), tempPrefix) {
				// An entry whose write was cut short: never renamed, never used.
				_ = os.Remove(p)
				continue
			}
			var l linkedLayer
			data, err := os.ReadFile(p)
			if err == nil {
				err = json.Unmarshal(data, &l)
			}
			if err != nil {
				// Fail closed: a linked layer missing from the index would
				// be mounted by path, unchecked.
				x.loadErr = fmt.Errorf("overlay2: extra storage link index %s is unreadable (%w); remove the images linked from extra storage, or the file if its layer is gone", p, err)
				return
			}
			if !d.Exists(l.ID) {
				// A layer removed since: its short name is never reused.
				_ = os.Remove(p)
				continue
			}
			x.byShort[e.Name()], x.byID[l.ID] = l, l
		}
	})
	return x, x.loadErr
}

func (x *linkIndex) add(short string, l linkedLayer) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byShort[short], x.byID[l.ID] = l, l
}

// none reports whether no layer is linked: then mounts skip the hook.
func (x *linkIndex) none() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.byID) == 0
}

func (x *linkIndex) lookup(short, id string) (linkedLayer, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if id != "" {
		l, ok := x.byID[id]
		return l, ok
	}
	l, ok := x.byShort[short]
	return l, ok
}

// CreateFromExternalDiff creates layer id on top of parent like Create, but
// its data is the directory rel below the extra storage at root, opened
// without following any symlink (a store cannot point it at the host). The
// diff directory is a symlink to it for the code that reads paths; mounts
// and `docker save` open it again confined, and check it is the same
// directory. Nothing is copied and the store is never written. It returns
// o (the layer as the layer store describes it) completed with the
// directory's source and identity, as recorded to check each mount.
func (d *Driver) CreateFromExternalDiff(id, parent, root, rel string, o origin.Layer) (_ origin.Layer, retErr error) {
	if !filepath.IsAbs(root) {
		return o, fmt.Errorf("overlay2: extra storage %q must be an absolute path", root)
	}
	x, err := d.links()
	if err != nil {
		return o, err
	}
	dir, st, err := openLinked(root, rel)
	if err != nil {
		return o, err
	}
	dir.Close()
	o = originOf(o, root, rel, st)
	short, err := d.createLinked(id, parent, path.Join(root, rel))
	defer func() {
		if retErr != nil {
			_ = d.Remove(id)
		}
	}()
	if err != nil {
		return o, err
	}
	l := linkedLayer{ID: id, Root: root, Rel: rel, Identity: o.Identity, Origin: &o}
	if err := d.writeLinkEntry(short, l); err != nil {
		return o, err
	}
	x.add(short, l)
	return o, nil
}

// createLinked lays out layer id as create does, with the diff directory a
// symlink to target, and returns its short link name. Unlike create it does
// not fsync each file: the layer store syncs the whole pull once
// (LinkedHome) before the image is recorded.
func (d *Driver) createLinked(id, parent, target string) (string, error) {
	dir := d.dir(id)
	uid, gid := rootOwner(d.idMap.RootPair())
	if err := mkdirOwned(dir, 0o710, os.Getuid(), gid); err != nil {
		return "", err
	}
	if err := os.Symlink(target, path.Join(dir, diffDirName)); err != nil {
		return "", err
	}
	short := overlayutils.GenerateID(idLength, logger)
	if err := os.Symlink(path.Join("..", id, diffDirName), path.Join(d.home, linkDir, short)); err != nil {
		return "", err
	}
	if err := os.WriteFile(path.Join(dir, "link"), []byte(short), 0o644); err != nil {
		return "", err
	}
	if parent == "" {
		return short, nil
	}
	if err := mkdirOwned(path.Join(dir, workDirName), 0o700, uid, gid); err != nil {
		return "", err
	}
	if err := os.WriteFile(path.Join(d.dir(parent), "committed"), nil, 0o600); err != nil {
		return "", err
	}
	lower, err := d.getLower(parent)
	if err != nil {
		return "", err
	}
	if lower != "" {
		if err := os.WriteFile(path.Join(dir, lowerFile), []byte(lower), 0o644); err != nil {
			return "", err
		}
	}
	return short, nil
}

// rootOwner takes what IdentityMapping.RootPair returns on every engine
// line: (uid, gid) from v28.1 on, an idtools.Identity{UID, GID} before.
func rootOwner(pair ...any) (uid, gid int) {
	if len(pair) == 2 {
		return pair[0].(int), pair[1].(int)
	}
	v := reflect.ValueOf(pair[0])
	return int(v.FieldByName("UID").Int()), int(v.FieldByName("GID").Int())
}

func mkdirOwned(dir string, mode os.FileMode, uid, gid int) error {
	if err := os.Mkdir(dir, mode); err != nil {
		return err
	}
	return os.Lchown(dir, uid, gid)
}

// LinkedHome is where the driver writes links, for the layer store's sync.
func (d *Driver) LinkedHome() string {
	return d.home
}

// ExternalDiffSource names the store directory a linked layer's data is,
// for messages; "" for a layer that is not linked.
func (d *Driver) ExternalDiffSource(id string) string {
	x, err := d.links()
	if err != nil {
		return ""
	}
	if l, ok := x.lookup("", id); ok {
		return path.Join(l.Root, l.Rel)
	}
	return ""
}

// openLinked opens rel below root confined, checks it is a directory and
// returns it with its status as opened. A missing directory is an error
// that is fs.ErrNotExist; a missing store root is not.
func openLinked(root, rel string) (*os.File, *syscall.Stat_t, error) {
	r, err := beneath.OpenRoot(root)
	if err != nil {
		return nil, nil, &unreadableStoreError{fmt.Errorf("layer data in %s is unreadable (extra storage not mounted?): %v", root, err)}
	}
	defer r.Close()
	dir, err := beneath.Path(r, rel)
	if err != nil {
		return nil, nil, fmt.Errorf("refusing linked layer data %s: %w", path.Join(root, rel), err)
	}
	fi, err := dir.Stat()
	if err != nil {
		dir.Close()
		return nil, nil, fmt.Errorf("layer data %s: %w", path.Join(root, rel), err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok {
		dir.Close()
		return nil, nil, fmt.Errorf("refusing linked layer data %s: is a %s, not a directory", path.Join(root, rel), beneath.Kind(fi.Mode()))
	}
	return dir, st, nil
}

// openLinkedLowers runs before every mount with lowers (the layer's lower
// file: l/<short> names relative to home) and diffDir. Each linked layer
// among them is opened confined and checked (openLinkedChecked), and its
// name is replaced by the /proc/self/fd path of that handle, so what was
// checked is what overlayfs mounts whatever the store swaps in meanwhile.
// The handles must stay open until the mount is done: call closeAll after.
// A rewritten lower works both joined to home and relative to it
// (mountFrom). Layers that are not linked cost a map look-up.
func (d *Driver) openLinkedLowers(id string, lowers []byte, diffDir string) (_ []byte, _ string, _ func(), retErr error) {
	x, err := d.links()
	if err != nil {
		return nil, "", nil, err
	}
	if x.none() {
		return lowers, diffDir, func() {}, nil
	}
	var opened []*os.File
	closeAll := func() {
		for _, f := range opened {
			f.Close()
		}
	}
	defer func() {
		if retErr != nil {
			closeAll()
		}
	}()
	open := func(l linkedLayer) (string, error) {
		dir, err := openLinkedChecked(l)
		if err != nil {
			return "", err
		}
		opened = append(opened, dir)
		return beneath.FdPath(dir), nil
	}
	if l, ok := x.lookup("", id); ok {
		// A read-only view of a linked layer: its own data is a lower too.
		if diffDir, err = open(l); err != nil {
			return nil, "", nil, err
		}
	}
	names := strings.Split(string(lowers), ":")
	for i, name := range names {
		if l, ok := x.lookup(strings.TrimPrefix(name, linkDir+"/"), ""); ok {
			fd, err := open(l)
			if err != nil {
				return nil, "", nil, err
			}
			names[i] = x.toRoot + strings.TrimPrefix(fd, "/")
		}
	}
	if len(opened) == 0 {
		return lowers, diffDir, closeAll, nil
	}
	return []byte(strings.Join(names, ":")), diffDir, closeAll, nil
}

// checkLinkedBase runs before a base layer's data is handed out as a path
// (Get of a layer with no lowers): a linked one must still be the directory
// that was linked. Layers that are not linked cost a map look-up.
func (d *Driver) checkLinkedBase(id string) error {
	return d.withLinkedDir(id, func(*os.File) error { return nil })
}

// withLinkedDir runs fn on a linked layer's data directory, opened and
// checked (openLinkedChecked); a layer that is not linked is left alone.
func (d *Driver) withLinkedDir(id string, fn func(dir *os.File) error) error {
	x, err := d.links()
	if err != nil {
		return err
	}
	l, ok := x.lookup("", id)
	if !ok {
		return nil
	}
	dir, err := openLinkedChecked(l)
	if err != nil {
		return err
	}
	defer dir.Close()
	return fn(dir)
}

// climbToRoot returns enough "../" to climb from home to "/" both as
// written and as resolved, so an absolute path can stand where a path
// relative to home is expected ("/.." is "/"). Home does not move while the
// daemon runs, so this is worked out once.
func climbToRoot(home string) string {
	depth := strings.Count(path.Clean(home), "/")
	if real, err := filepath.EvalSymlinks(home); err == nil {
		depth = max(depth, strings.Count(real, "/"))
	}
	return strings.Repeat("../", depth)
}

// tempPrefix starts the name of an index entry being written; short names
// (base32) never start with it.
const tempPrefix = origin.TempPrefix

// writeEntry writes an index entry whole or not at all. It is made durable
// with the rest of the pull by the layer store's sync (LinkedHome).
func writeEntry(name string, data []byte) error {
	return origin.WriteWhole(name, data)
}
