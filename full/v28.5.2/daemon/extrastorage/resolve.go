package extrastorage

import (
	"encoding/json"
	"path"

	"github.com/distribution/reference"
	"github.com/docker/docker/image"
	"github.com/opencontainers/go-digest"
)

// Limits on metadata read from the untrusted store, far above real sizes.
const (
	maxRepositoriesJSON = 64 << 20
	maxImageConfig      = 8 << 20
	maxSmallFile        = 4 << 10
)

// repositories is the layout of image/overlay2/repositories.json.
type repositories struct {
	Repositories map[string]map[string]digest.Digest
}

// Resolve looks ref up in the store's repositories.json and returns the
// image ID (the digest of its config).
func (s *Store) Resolve(ref reference.NamedTagged) (digest.Digest, error) {
	root, err := s.root()
	if err != nil {
		return "", err
	}
	rel := path.Join(graphDir, "repositories.json")
	data, err := readConfined(root, rel, maxRepositoriesJSON)
	if err != nil {
		return "", err
	}
	return lookupRepositories(data, ref, s.path)
}

// lookupRepositories finds ref in a repositories.json document. Keys are
// compared as parsed references so that "busybox" and
// "docker.io/library/busybox" name the same repository.
func lookupRepositories(data []byte, ref reference.NamedTagged, store string) (digest.Digest, error) {
	var repos repositories
	if err := json.Unmarshal(data, &repos); err != nil {
		return "", badStore(path.Join(store, graphDir, "repositories.json"), "not valid JSON: %v", err)
	}
	want := ref.String()
	for _, tags := range repos.Repositories {
		for key, id := range tags {
			named, err := reference.ParseNormalizedNamed(key)
			if err != nil || named.String() != want {
				continue
			}
			if err := id.Validate(); err != nil || id.Algorithm() != digest.SHA256 {
				return "", badStore(path.Join(store, graphDir, "repositories.json"), "image ID %q of %s is not a sha256 digest", id, key)
			}
			return id, nil
		}
	}
	return "", &NotInStoreError{Ref: reference.FamiliarString(ref), Store: store}
}

// ReadImageConfig reads the image config of id from the store's imagedb and
// checks it against its digest, so the store cannot substitute a config.
func (s *Store) ReadImageConfig(id digest.Digest) ([]byte, *image.Image, error) {
	root, err := s.root()
	if err != nil {
		return nil, nil, err
	}
	if err := id.Validate(); err != nil || id.Algorithm() != digest.SHA256 {
		return nil, nil, badStore(s.path, "image ID %q is not a sha256 digest", id)
	}
	rel := path.Join(graphDir, "imagedb/content/sha256", id.Encoded())
	data, err := readConfined(root, rel, maxImageConfig)
	if err != nil {
		return nil, nil, err
	}
	full := path.Join(root, rel)
	if got := digest.FromBytes(data); got != id {
		return nil, nil, badStore(full, "content digest is %s, not %s", got, id)
	}
	img, err := image.NewFromJSON(data)
	if err != nil {
		return nil, nil, badStore(full, "not an image config: %v", err)
	}
	if img.RootFS == nil || len(img.RootFS.DiffIDs) == 0 {
		return nil, nil, badStore(full, "image config has no layers")
	}
	return data, img, nil
}
