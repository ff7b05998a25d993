package extrastorage

import (
	"errors"
	"io/fs"
	"path"
	"regexp"

	"github.com/docker/docker/daemon/extrastorage/beneath"
)

const (
	// currentLink is the pointer `store publish` switches atomically to the
	// newest generation of a store: "generations/<name>".
	currentLink = "current"
	// generationsDir holds the published generations, each a data-root.
	generationsDir = "generations"
	// NoGeneration names the generation of a store published in place (a
	// plain data-root, without currentLink).
	NoGeneration = "none"
)

// generationName is the form a generation's directory name must have: it
// becomes part of every linked layer's path, so nothing else may pass.
var generationName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// openGeneration opens the generation the store's currentLink points to,
// below the store's handle: the link is read, never followed, and its
// target must be generations/<name>, a directory opened confined like every
// other store path. A store without currentLink is its own data-root
// (generation NoGeneration, rel ""). What is returned is what the pull
// links to, so a later switch of currentLink does not move layers already
// pulled.
func openGeneration(root *storeRoot) (gen string, rel string, err error) {
	target, err := beneath.Readlink(root.dir, currentLink)
	if errors.Is(err, fs.ErrNotExist) {
		return NoGeneration, "", nil
	}
	if err != nil {
		h, _, statErr := root.stat(currentLink)
		if statErr == nil {
			h.Close()
			// Not a symlink: an ordinary entry of a data-root named current.
			return NoGeneration, "", nil
		}
		return "", "", badStore(root.full(currentLink), "%v", unwrapPath(err))
	}
	dir, name := path.Split(target)
	if dir != generationsDir+"/" || !generationName.MatchString(name) {
		return "", "", badStore(root.full(currentLink), "points to %q; it must point to %s/<name> (a name of letters, digits, '.', '_' and '-')", target, generationsDir)
	}
	rel = path.Join(generationsDir, name)
	if err := root.checkDir(rel); err != nil {
		return "", "", err
	}
	return name, rel, nil
}

// Generation returns the generation the store's currentLink points to now
// (NoGeneration for a store without one), for reports.
func (s *Store) Generation() (string, error) {
	r, err := beneath.OpenRoot(s.path)
	if err != nil {
		return "", &UnavailableError{Path: s.path, Err: unwrapPath(err)}
	}
	root := &storeRoot{dir: r, path: s.path, base: s.path}
	defer root.Close()
	gen, _, err := openGeneration(root)
	return gen, err
}
