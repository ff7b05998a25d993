package extra

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// recordsDir, below Root, holds one record per linked layer, named after
// the overlay snapshotter's ID of its snapshot.
const recordsDir = "extra"

// record is what the snapshotter knows of a linked layer, to mount it again
// after a reboot: the same chain, on the same parent, from the same
// directory of the store as first linked.
type record struct {
	Chain    string `json:"chain"`
	Parent   string `json:"parent,omitempty"`
	Layer    string `json:"layer"`    // overlay2/<cache-id>/diff, relative to the store
	Identity string `json:"identity"` // of that directory when linked
}

// The overlay snapshotter's IDs are decimal sequence numbers.
var idPattern = regexp.MustCompile(`^[0-9]+$`)

func (s *Snapshotter) recordPath(id string) string {
	return filepath.Join(s.root, recordsDir, id+".json")
}

// writeRecord writes the record whole or not at all (a synced temporary
// file renamed over it).
func (s *Snapshotter) writeRecord(id string, r record) (retErr error) {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Join(s.root, recordsDir), ".tmp-"+id+"-")
	if err != nil {
		return err
	}
	defer func() {
		if retErr != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), s.recordPath(id))
}

func (s *Snapshotter) readRecord(id string) (record, error) {
	var r record
	data, err := os.ReadFile(s.recordPath(id))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("record %s: %w", s.recordPath(id), err)
	}
	return r, nil
}

// recordIDs lists the IDs that have a record; leftovers of a cut-short
// write are removed.
func (s *Snapshotter) recordIDs() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.root, recordsDir))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !idPattern.MatchString(id) {
			os.Remove(filepath.Join(s.root, recordsDir, e.Name()))
			continue
		}
		ids = append(ids, id)
	}
	return ids, nil
}
