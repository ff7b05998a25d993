//go:build linux

package overlay2

import (
	"fmt"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
)

// describeLinked adds to a layer's metadata (GraphDriver.Data in `docker
// image inspect` and `docker container inspect`) which layers of its chain
// are linked from extra storage: the layer itself and its lowers. A layer
// with no linked layer in its chain gets no keys.
func (d *Driver) describeLinked(id string, metadata map[string]string) {
	x, err := d.links()
	if err != nil {
		metadata["ExtraStorageError"] = err.Error()
		return
	}
	if x.none() {
		return
	}
	var linked []linkedLayer
	total := 1
	if l, ok := x.lookup("", id); ok {
		linked = append(linked, l)
	}
	if lowers, err := os.ReadFile(path.Join(d.dir(id), lowerFile)); err == nil && len(lowers) > 0 {
		names := strings.Split(string(lowers), ":")
		total += len(names)
		for _, name := range names {
			if l, ok := x.lookup(strings.TrimPrefix(name, linkDir+"/"), ""); ok {
				linked = append(linked, l)
			}
		}
	}
	maps.Copy(metadata, linkedKeys(linked, total))
}

// linkedKeys are the metadata keys for the linked layers of a chain of total
// layers, top first as UpperDir and LowerDir list them:
//
//	ExtraStorage        the store (or stores, ":"-separated) they come from
//	ExtraStorageLayers  each linked layer's directory in the store, ":"-separated
//	ExtraStorageLinked  "N of M": how many of the chain's layers are linked
func linkedKeys(linked []linkedLayer, total int) map[string]string {
	if len(linked) == 0 {
		return nil
	}
	var roots, dirs []string
	for _, l := range linked {
		if !slices.Contains(roots, l.Root) {
			roots = append(roots, l.Root)
		}
		dirs = append(dirs, path.Join(l.Root, l.Rel))
	}
	return map[string]string{
		"ExtraStorage":       strings.Join(roots, ":"),
		"ExtraStorageLayers": strings.Join(dirs, ":"),
		"ExtraStorageLinked": fmt.Sprintf("%d of %d", len(linked), total),
	}
}
