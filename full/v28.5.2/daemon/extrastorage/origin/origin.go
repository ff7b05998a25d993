// Package origin records where a layer linked from extra storage came from
// (the store, its generation, the directory and that directory's identity
// at pull time, the images pulled with it), so that a container whose layer
// the store has since removed or replaced is refused with an error naming
// the image and the layer. The layer store writes the record next to the
// layer's metadata; the graphdriver keeps a copy to check each mount.
package origin

import (
	"fmt"
	"slices"
	"strings"
)

// File is the name of the record in a linked layer's layerdb directory.
const File = "extra-origin.json"

// maxImages bounds the references kept per layer: the message needs a few.
const maxImages = 16

// Layer is what the engine knew of a linked layer when it was pulled.
type Layer struct {
	ChainID    string   `json:"chainID"`
	DiffID     string   `json:"diffID"`
	Store      string   `json:"store"`      // the configured path of the extra storage
	Generation string   `json:"generation"` // "none" for a store without generations
	Source     string   `json:"source"`     // the linked directory
	Images     []string `json:"images"`     // the references pulled with the layer
	Device     uint64   `json:"device"`     // at pull time; not compared (a remount changes it)
	Inode      uint64   `json:"inode"`
	Mtime      string   `json:"mtime"`    // RFC 3339, nanoseconds
	Identity   string   `json:"identity"` // what each mount compares
}

// WithImage returns l with ref among its images, and whether it was added.
func (l Layer) WithImage(ref string) (Layer, bool) {
	if ref == "" || slices.Contains(l.Images, ref) || len(l.Images) >= maxImages {
		return l, false
	}
	l.Images = append(slices.Clone(l.Images), ref)
	return l, true
}

// Problem is how a linked layer no longer is what was pulled.
type Problem int

const (
	// Vanished: the directory is gone from the store.
	Vanished Problem = iota
	// Changed: a directory is there, but not the one that was linked.
	Changed
	// Unreadable: the store or the directory cannot be opened (not
	// mounted, a symlink on the way, ...).
	Unreadable
)

// ChangedError refuses a linked layer that is no longer what was pulled.
type ChangedError struct {
	Layer   Layer
	Problem Problem
	Now     string // the identity found, for Changed
	Err     error  // the open's error, for Vanished and Unreadable
}

func (e *ChangedError) Error() string {
	l := e.Layer
	images := "an image linked from extra storage"
	if len(l.Images) > 0 {
		images = "image " + strings.Join(l.Images, ", ")
	}
	var what string
	switch e.Problem {
	case Vanished:
		what = "has vanished from the store"
	case Changed:
		what = fmt.Sprintf("was replaced in the store since the pull (identity %s, pulled as %s)", e.Now, l.Identity)
	default:
		what = fmt.Sprintf("cannot be opened (%v)", e.Err)
	}
	image := "the image"
	if len(l.Images) > 0 {
		image = l.Images[0]
	}
	// A directory put back is another inode: only a pull links it again.
	fix := fmt.Sprintf("remove the containers of %s and run `docker rmi %s`, then pull it again to link the store's current generation (and keep generations in use with `store publish --keep`)", image, image)
	if e.Problem == Unreadable {
		fix = "mount the store again if it is not mounted; " + fix
	}
	return fmt.Sprintf("extra storage: refusing %s: its layer %s (diffID %s), linked from store generation %s at %s, %s; %s",
		images, l.ChainID, l.DiffID, l.Generation, l.Source, what, fix)
}

func (e *ChangedError) Unwrap() error { return e.Err }

// Conflict marks the error for the API (409): the store changed under the
// image.
func (e *ChangedError) Conflict() {}
