package images

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/containerd/containerd/v2/core/content"
	"github.com/containerd/containerd/v2/core/metadata"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	"github.com/containerd/containerd/v2/plugins/content/local"
	"github.com/distribution/reference"
	"github.com/docker/distribution"
	"github.com/docker/distribution/manifest/schema2"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	bolt "go.etcd.io/bbolt"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestKeepManifest(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "metadata.db"), 0o600, nil)
	assert.NilError(t, err)
	defer db.Close()
	cs, err := local.NewStore(filepath.Join(dir, "content"))
	assert.NilError(t, err)
	mdb := metadata.NewDB(db, cs, nil)
	ctx := namespaces.WithNamespace(context.Background(), "moby")
	assert.NilError(t, mdb.Init(ctx))
	i := &ImageService{content: mdb.ContentStore()}

	m, err := schema2.FromStruct(schema2.Manifest{
		Versioned: schema2.SchemaVersion,
		Config:    distribution.Descriptor{MediaType: schema2.MediaTypeImageConfig, Digest: hexDigest("c"), Size: 2},
		Layers:    []distribution.Descriptor{{MediaType: schema2.MediaTypeLayer, Digest: hexDigest("d"), Size: 3}},
	})
	assert.NilError(t, err)
	_, payload, err := m.Payload()
	assert.NilError(t, err)
	repo, err := reference.ParseNormalizedNamed("registry.example.com:5000/demo/app")
	assert.NilError(t, err)

	tests := []struct {
		name    string
		dgst    digest.Digest
		wantErr string
	}{
		{name: "kept under its digest", dgst: digest.FromBytes(payload)},
		{name: "kept again", dgst: digest.FromBytes(payload)},
		{name: "bytes that do not match the digest are refused", dgst: hexDigest("e"), wantErr: "unexpected commit digest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := i.keepManifest(ctx, repo, m, tc.dgst)
			if tc.wantErr != "" {
				assert.Check(t, is.ErrorContains(err, tc.wantErr))
				_, err := i.content.Info(ctx, tc.dgst)
				assert.Check(t, err != nil, "nothing kept under %s", tc.dgst)
				return
			}
			assert.NilError(t, err)
			info, err := i.content.Info(ctx, tc.dgst)
			assert.NilError(t, err)
			// The label the pull's manifest store reads to use the local copy without asking the registry.
			assert.Check(t, is.Equal(info.Labels["containerd.io/distribution.source.registry.example.com:5000"], "demo/app"))
			ra, err := i.content.ReaderAt(ctx, ocispec.Descriptor{Digest: tc.dgst, Size: int64(len(payload))})
			assert.NilError(t, err)
			defer ra.Close()
			got, err := io.ReadAll(content.NewReader(ra))
			assert.NilError(t, err)
			assert.Check(t, is.DeepEqual(got, payload))
		})
	}
}
