package extrastorage

import (
	"context"
	"encoding/json"
	"fmt"
	"path"

	"github.com/distribution/reference"
	"github.com/moby/moby/v2/daemon/internal/image"
	"github.com/moby/moby/v2/daemon/internal/layer"
	"github.com/opencontainers/go-digest"
)

// Limits on metadata read from the untrusted store, far above real sizes.
const (
	maxRepositoriesJSON = 64 << 20
	maxImageConfig      = 8 << 20
	maxSmallFile        = 4 << 10
	// maxLayers is the engine's own limit on a chain (layer.maxLayerDepth).
	maxLayers = 125
)

// Image is an image of the store, validated, ready to be linked.
type Image struct {
	ID     digest.Digest
	Config []byte // the bytes whose digest is ID
	Image  *image.Image
	Layers []Layer
}

// Lookup resolves ref in the store's repositories.json, reads the image
// config (checked against its digest) and validates every layer, all under
// the store's read timeout. It returns an error naming the first bad file;
// then nothing should be registered.
func (s *Store) Lookup(ctx context.Context, ref reference.NamedTagged) (*Image, error) {
	var img *Image
	err := s.withStore(ctx, func(r *storeRoot) error {
		id, err := resolve(r, ref)
		if err != nil {
			return err
		}
		config, parsed, err := readImageConfig(r, id)
		if err != nil {
			return err
		}
		layers, err := readLayers(r, parsed.RootFS.DiffIDs, false)
		if err != nil {
			return err
		}
		img = &Image{ID: id, Config: config, Image: parsed, Layers: layers}
		return nil
	})
	return img, err
}

// LookupLayers returns the layers of diffIDs the store holds, base first,
// up to the first one it lacks (a layer is linked on top of its parent, so
// the rest must be downloaded). A layer present but bad is still an error.
func (s *Store) LookupLayers(ctx context.Context, diffIDs []layer.DiffID) ([]Layer, error) {
	if err := ValidateDiffIDs(diffIDs); err != nil {
		return nil, err
	}
	var layers []Layer
	err := s.withStore(ctx, func(r *storeRoot) error {
		var err error
		layers, err = readLayers(r, diffIDs, true)
		return err
	})
	return layers, err
}

// ValidateDiffIDs checks each diffID is "sha256:" and 64 lowercase hex
// digits: a diffID becomes a chain ID, and a chain ID a directory name in
// the layer store, so nothing else may pass.
func ValidateDiffIDs(diffIDs []layer.DiffID) error {
	if len(diffIDs) == 0 {
		return fmt.Errorf("image config has no layers")
	}
	if len(diffIDs) > maxLayers {
		return fmt.Errorf("image config has %d layers, more than the %d a chain may have", len(diffIDs), maxLayers)
	}
	for i, d := range diffIDs {
		if err := validateSHA256(digest.Digest(d)); err != nil {
			return fmt.Errorf("diffID %d %q: %w", i, d, err)
		}
	}
	return nil
}

func validateSHA256(d digest.Digest) error {
	// Validate first: Algorithm panics on a digest without ":".
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Algorithm() != digest.SHA256 {
		return fmt.Errorf("not a sha256 digest")
	}
	return nil
}

// repositories is the layout of image/overlay2/repositories.json.
type repositories struct {
	Repositories map[string]map[string]digest.Digest
}

func resolve(r *storeRoot, ref reference.NamedTagged) (digest.Digest, error) {
	data, err := r.readFile(path.Join(graphDir, "repositories.json"), maxRepositoriesJSON)
	if err != nil {
		return "", err
	}
	return lookupRepositories(data, ref, r.path)
}

// lookupRepositories finds ref in a repositories.json document. Keys are
// compared as parsed references so that "busybox" and
// "docker.io/library/busybox" name the same repository; a store that gives
// one name two image IDs is refused rather than picked from by map order.
func lookupRepositories(data []byte, ref reference.NamedTagged, store string) (digest.Digest, error) {
	file := path.Join(store, graphDir, "repositories.json")
	var repos repositories
	if err := json.Unmarshal(data, &repos); err != nil {
		return "", badStore(file, "not valid JSON: %v", err)
	}
	want := ref.String()
	var found digest.Digest
	for _, tags := range repos.Repositories {
		for key, id := range tags {
			named, err := reference.ParseNormalizedNamed(key)
			if err != nil || named.String() != want {
				continue
			}
			if err := validateSHA256(id); err != nil {
				return "", badStore(file, "image ID %q of %s is not a sha256 digest", id, key)
			}
			if found != "" && found != id {
				return "", badStore(file, "%s is given two image IDs, %s and %s", reference.FamiliarString(ref), found, id)
			}
			found = id
		}
	}
	if found == "" {
		return "", &NotInStoreError{Ref: reference.FamiliarString(ref), Store: store}
	}
	return found, nil
}

// readImageConfig reads the image config of id from the store's imagedb and
// checks it against its digest, so the store cannot substitute a config.
func readImageConfig(r *storeRoot, id digest.Digest) ([]byte, *image.Image, error) {
	rel := path.Join(graphDir, "imagedb/content/sha256", id.Encoded())
	data, err := r.readFile(rel, maxImageConfig)
	if err != nil {
		return nil, nil, err
	}
	if got := digest.FromBytes(data); got != id {
		return nil, nil, badStore(r.full(rel), "content digest is %s, not %s", got, id)
	}
	img, err := image.NewFromJSON(data)
	if err != nil {
		return nil, nil, badStore(r.full(rel), "not an image config: %v", err)
	}
	if img.RootFS == nil {
		return nil, nil, badStore(r.full(rel), "image config has no rootfs")
	}
	if err := ValidateDiffIDs(img.RootFS.DiffIDs); err != nil {
		return nil, nil, badStore(r.full(rel), "%v", err)
	}
	return data, img, nil
}
