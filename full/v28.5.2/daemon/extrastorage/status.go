package extrastorage

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/sys/mountinfo"
	"github.com/opencontainers/go-digest"
)

const (
	// statusTimeout bounds what `docker info` waits for the store: a hung
	// network filesystem makes the row say so instead of hanging the command.
	statusTimeout = 2 * time.Second
	// statusNames is how many image names the images row lists; past that
	// it gives the counts only.
	statusNames = 5
)

// storeStatus is what `docker info` reports of the store, gathered by
// Status and turned into rows by statusRows.
type storeStatus struct {
	Path       string
	Verify     string
	Mount      *mountinfo.Info // nil when nothing is mounted at Path
	MountedBy  bool            // this daemon mounted it
	Generation string          // the generation pulls link now, NoGeneration without one
	Images     offered
	ReadErr    error // the store could not be read: Generation and Images are unknown
}

// offered is what the store's repositories.json offers: distinct image IDs
// and their tags.
type offered struct {
	IDs  int
	Tags []string
}

// Status returns the rows `docker info` shows under the storage driver:
// the store's path, its mount, its generation and the images it offers. It
// never writes and waits at most statusTimeout for the store. A nil store
// (the feature is off) has no rows.
func (s *Store) Status(ctx context.Context) [][2]string {
	if s == nil {
		return nil
	}
	st := storeStatus{Path: s.path, Verify: "trusted", MountedBy: s.mountedBy}
	if s.verifyContent {
		st.Verify = "content"
	}
	// Read from /proc: nothing here touches the store itself.
	if mounts, err := mountinfo.GetMounts(mountinfo.SingleEntryFilter(s.path)); err == nil && len(mounts) > 0 {
		st.Mount = mounts[len(mounts)-1] // the last mount over the path is the one seen
	}
	var gen string
	var images offered
	st.ReadErr = s.withStoreWithin(ctx, statusTimeout, func(r *storeRoot) error {
		gen = r.generation
		data, err := r.readFile(path.Join(graphDir, "repositories.json"), maxRepositoriesJSON)
		if err != nil {
			return err
		}
		images, err = offeredImages(data, r.full(path.Join(graphDir, "repositories.json")))
		return err
	})
	st.Generation, st.Images = gen, images
	return statusRows(st)
}

// statusRows turns a store's status into `docker info` rows.
func statusRows(st storeStatus) [][2]string {
	rows := [][2]string{{"Extra Storage", st.Path}}
	switch {
	case st.Mount == nil:
		rows = append(rows, [2]string{"Extra Storage Mounted", "no (a directory of the host)"})
	case st.MountedBy:
		rows = append(rows, [2]string{"Extra Storage Mounted", "yes, by dockerd"})
	default:
		rows = append(rows, [2]string{"Extra Storage Mounted", "yes"})
	}
	if st.Mount != nil {
		rows = append(rows,
			[2]string{"Extra Storage Device", st.Mount.Source},
			[2]string{"Extra Storage Type", st.Mount.FSType},
			[2]string{"Extra Storage Mount Options", st.Mount.Options})
	}
	rows = append(rows, [2]string{"Extra Storage Verify", st.Verify})
	if st.ReadErr != nil {
		return append(rows, [2]string{"Extra Storage Images", "unknown: " + st.ReadErr.Error()})
	}
	return append(rows,
		[2]string{"Extra Storage Generation", st.Generation},
		[2]string{"Extra Storage Images", describeOffered(st.Images)})
}

func describeOffered(o offered) string {
	switch {
	case o.IDs == 0:
		return "0"
	case len(o.Tags) > statusNames:
		return fmt.Sprintf("%d (%d tags)", o.IDs, len(o.Tags))
	default:
		return fmt.Sprintf("%d (%s)", o.IDs, strings.Join(o.Tags, ", "))
	}
}

// offeredImages reads a repositories.json document: the distinct image IDs
// and the tags that name them, in familiar form and sorted. Digest
// references (name@sha256:…) are not tags and are left out.
func offeredImages(data []byte, file string) (offered, error) {
	var repos repositories
	if err := json.Unmarshal(data, &repos); err != nil {
		return offered{}, badStore(file, "not valid JSON: %v", err)
	}
	ids := map[digest.Digest]bool{}
	var tags []string
	for _, refs := range repos.Repositories {
		for key, id := range refs {
			ids[id] = true
			named, err := reference.ParseNormalizedNamed(key)
			if _, tagged := named.(reference.Tagged); err != nil || !tagged {
				continue
			}
			tags = append(tags, reference.FamiliarString(named))
		}
	}
	sort.Strings(tags)
	return offered{IDs: len(ids), Tags: tags}, nil
}
