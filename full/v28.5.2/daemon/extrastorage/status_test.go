//go:build linux

package extrastorage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/sys/mountinfo"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestStatusRows(t *testing.T) {
	nfs := &mountinfo.Info{Source: "nfs.example:/exports/docker", FSType: "nfs4", Options: "ro,nosuid,nodev"}
	cases := []struct {
		name string
		st   storeStatus
		want map[string]string // rows that must be there, by name
		none []string          // rows that must not be there
	}{
		{
			name: "a directory with generations",
			st:   storeStatus{Path: "/srv/store/current", Verify: "content", Generation: "gen-3", Images: offered{IDs: 2, Tags: []string{"alpine:3.20", "busybox:latest"}}},
			want: map[string]string{
				"Extra Storage": "/srv/store/current", "Extra Storage Mounted": "no (a directory of the host)",
				"Extra Storage Verify": "content", "Extra Storage Generation": "gen-3",
				"Extra Storage Images": "2 (alpine:3.20, busybox:latest)",
			},
			none: []string{"Extra Storage Device", "Extra Storage Type"},
		},
		{
			name: "mounted by dockerd, no generations",
			st:   storeStatus{Path: "/var/lib/docker/extra", Verify: "trusted", Mount: nfs, MountedBy: true, Generation: NoGeneration},
			want: map[string]string{
				"Extra Storage Mounted": "yes, by dockerd", "Extra Storage Device": "nfs.example:/exports/docker",
				"Extra Storage Type": "nfs4", "Extra Storage Mount Options": "ro,nosuid,nodev",
				"Extra Storage Generation": "none", "Extra Storage Images": "0",
			},
		},
		{
			name: "mounted by someone else",
			st:   storeStatus{Path: "/var/lib/docker/extra", Verify: "trusted", Mount: nfs},
			want: map[string]string{"Extra Storage Mounted": "yes"},
		},
		{
			name: "many images give counts only",
			st:   storeStatus{Path: "/x", Images: offered{IDs: 4, Tags: []string{"a:1", "b:1", "c:1", "d:1", "e:1", "e:2"}}},
			want: map[string]string{"Extra Storage Images": "4 (6 tags)"},
		},
		{
			name: "unreadable store",
			st:   storeStatus{Path: "/x", ReadErr: &UnavailableError{Path: "/x", Err: os.ErrNotExist}},
			want: map[string]string{"Extra Storage Images": "unknown: extra storage at /x is not available (is it mounted?): file does not exist"},
			none: []string{"Extra Storage Generation"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows := map[string]string{}
			for _, r := range statusRows(tc.st) {
				rows[r[0]] = r[1]
			}
			for k, v := range tc.want {
				assert.Check(t, is.Equal(rows[k], v), k)
			}
			for _, k := range tc.none {
				_, ok := rows[k]
				assert.Check(t, !ok, k)
			}
		})
	}
}

func TestOfferedImages(t *testing.T) {
	id1, id2 := "sha256:"+hexOf("one"), "sha256:"+hexOf("two")
	cases := []struct {
		name, doc string
		want      offered
		err       string
	}{
		{name: "empty", doc: `{"Repositories":{}}`, want: offered{}},
		{
			name: "tags familiar and sorted, one ID counted once",
			doc:  `{"Repositories":{"busybox":{"busybox:latest":"` + id1 + `","busybox:1":"` + id1 + `"},"example.com/app":{"example.com/app:2":"` + id2 + `"}}}`,
			want: offered{IDs: 2, Tags: []string{"busybox:1", "busybox:latest", "example.com/app:2"}},
		},
		{
			name: "digest references are not tags",
			doc:  `{"Repositories":{"busybox":{"busybox@` + id1 + `":"` + id1 + `"}}}`,
			want: offered{IDs: 1},
		},
		{name: "not JSON", doc: `{`, err: "refusing /s/repositories.json: not valid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := offeredImages([]byte(tc.doc), "/s/repositories.json")
			if tc.err != "" {
				assert.Check(t, is.ErrorContains(err, tc.err))
				var bad *BadStoreError
				assert.Check(t, errors.As(err, &bad))
				return
			}
			assert.NilError(t, err)
			assert.Check(t, is.DeepEqual(got, tc.want))
		})
	}
}

// TestStatusReadsTheStore gathers the rows from a store made in code.
func TestStatusReadsTheStore(t *testing.T) {
	ts := newTestStore(t, 2)
	rows := New(ts.root, true).Status(context.Background())
	got := map[string]string{}
	for _, r := range rows {
		got[r[0]] = r[1]
	}
	assert.Check(t, is.Equal(got["Extra Storage"], ts.root))
	assert.Check(t, is.Equal(got["Extra Storage Images"], "1 (example.com/demo/app:1.0)"))
	assert.Check(t, is.Equal(got["Extra Storage Generation"], "none"))

	assert.NilError(t, os.Remove(filepath.Join(ts.root, graphDir, "repositories.json")))
	rows = New(ts.root, false).Status(context.Background())
	assert.Check(t, strings.HasPrefix(rows[len(rows)-1][1], "unknown: extra storage at "+ts.root+" is not available"), rows[len(rows)-1][1])
	var nilStore *Store
	assert.Check(t, is.Len(nilStore.Status(context.Background()), 0))
}
