package images

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/docker/distribution"
	"github.com/docker/distribution/manifest/manifestlist"
	"github.com/docker/distribution/manifest/schema2"
	"github.com/moby/moby/v2/daemon/internal/distribution/metadata"
	"github.com/moby/moby/v2/daemon/internal/image"
	"github.com/moby/moby/v2/daemon/internal/layer"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func hexDigest(c string) digest.Digest {
	return digest.Digest("sha256:" + strings.Repeat(c, 64))
}

func TestCheckRegistryLayers(t *testing.T) {
	diffA, diffB := layer.DiffID(hexDigest("a")), layer.DiffID(hexDigest("b"))
	blobA, blobB := hexDigest("c"), hexDigest("d")
	layerDesc := func(d digest.Digest) distribution.Descriptor {
		return distribution.Descriptor{MediaType: schema2.MediaTypeLayer, Digest: d}
	}
	cases := []struct {
		name    string
		diffIDs []layer.DiffID
		descs   []distribution.Descriptor
		known   map[digest.Digest]layer.DiffID // pairs proven by earlier downloads
		want    string                         // "" = accepted
	}{
		{name: "pairs by index", diffIDs: []layer.DiffID{diffA, diffB}, descs: []distribution.Descriptor{layerDesc(blobA), layerDesc(blobB)}},
		{name: "agrees with a download", diffIDs: []layer.DiffID{diffA}, descs: []distribution.Descriptor{layerDesc(blobA)}, known: map[digest.Digest]layer.DiffID{blobA: diffA}},
		{name: "contradicts a download", diffIDs: []layer.DiffID{diffB}, descs: []distribution.Descriptor{layerDesc(blobA)}, known: map[digest.Digest]layer.DiffID{blobA: diffA}, want: "by an earlier download"},
		{name: "count differs", diffIDs: []layer.DiffID{diffA, diffB}, descs: []distribution.Descriptor{layerDesc(blobA)}, want: "disagree on the number of layers"},
		{name: "bad diffID", diffIDs: []layer.DiffID{"sha256:../x"}, descs: []distribution.Descriptor{layerDesc(blobA)}, want: "config: diffID 0"},
		{name: "blob without colon", diffIDs: []layer.DiffID{diffA}, descs: []distribution.Descriptor{layerDesc("nocolon")}, want: "is not a sha256 digest"},
		{name: "foreign layer", diffIDs: []layer.DiffID{diffA}, descs: []distribution.Descriptor{{MediaType: schema2.MediaTypeForeignLayer, Digest: blobA}}, want: "does not link"},
		{name: "config as a layer", diffIDs: []layer.DiffID{diffA}, descs: []distribution.Descriptor{{MediaType: schema2.MediaTypeImageConfig, Digest: blobA}}, want: "does not link"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			store := memMetadata{}
			md := metadata.NewV2MetadataService(store)
			for blob, diffID := range tc.known {
				assert.NilError(t, md.Add(diffID, metadata.V2Metadata{Digest: blob}))
			}
			img := &image.Image{RootFS: &image.RootFS{Type: "layers", DiffIDs: tc.diffIDs}}
			blobs, err := checkRegistryLayers(img, tc.descs, md)
			if tc.want != "" {
				assert.Check(t, is.ErrorContains(err, tc.want))
				return
			}
			assert.NilError(t, err)
			assert.Check(t, is.Len(blobs, len(tc.descs)))
		})
	}
}

// TestToldFirstIsNeverRecorded: the pairs an assisted pull is told are seen
// by that pull and never written to the daemon's metadata store, also when
// the pull records the layer it found present under them (what
// layerDescriptor.Registered does for "Already exists"); a pair the pull
// downloads is recorded as usual.
func TestToldFirstIsNeverRecorded(t *testing.T) {
	told := memMetadata{}
	blob, diffID := hexDigest("c"), layer.DiffID(hexDigest("a"))
	downloadedBlob, downloadedDiffID := hexDigest("d"), layer.DiffID(hexDigest("b"))
	assert.NilError(t, metadata.NewV2MetadataService(told).Add(diffID, metadata.V2Metadata{Digest: blob}))

	cases := []struct {
		name   string
		during func(t *testing.T, md metadata.V2MetadataService)
	}{
		{name: "read only", during: func(t *testing.T, md metadata.V2MetadataService) {
			got, err := md.GetDiffID(blob)
			assert.NilError(t, err)
			assert.Equal(t, got, diffID)
		}},
		{name: "the told layer recorded as registered", during: func(t *testing.T, md metadata.V2MetadataService) {
			assert.NilError(t, md.Add(diffID, metadata.V2Metadata{Digest: blob, SourceRepository: "example.com/attacker"}))
		}},
		{name: "the told layer removed", during: func(t *testing.T, md metadata.V2MetadataService) {
			assert.NilError(t, md.Remove(metadata.V2Metadata{Digest: blob}))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			daemonStore := memMetadata{}
			md := metadata.NewV2MetadataService(&toldFirst{Store: daemonStore, told: told})
			tc.during(t, md)
			assert.NilError(t, md.Add(downloadedDiffID, metadata.V2Metadata{Digest: downloadedBlob}))

			recorded := metadata.NewV2MetadataService(daemonStore)
			_, err := recorded.GetDiffID(blob)
			assert.Check(t, err != nil, "the daemon's store does not know the told pair")
			got, err := recorded.GetDiffID(downloadedBlob)
			assert.NilError(t, err, "a downloaded pair is recorded")
			assert.Equal(t, got, downloadedDiffID)
		})
	}
}

func TestPickPlatform(t *testing.T) {
	entry := func(d, arch, variant string) manifestlist.ManifestDescriptor {
		return manifestlist.ManifestDescriptor{
			Descriptor: distribution.Descriptor{Digest: hexDigest(d)},
			Platform:   manifestlist.PlatformSpec{OS: "linux", Architecture: arch, Variant: variant},
		}
	}
	list := &manifestlist.DeserializedManifestList{ManifestList: manifestlist.ManifestList{Manifests: []manifestlist.ManifestDescriptor{
		entry("1", "arm", "v6"), entry("2", "arm", "v7"), entry("3", "amd64", ""), entry("4", "arm64", "v8"),
	}}}
	cases := []struct {
		want     ocispec.Platform
		expected digest.Digest
		err      string
	}{
		{want: ocispec.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, expected: hexDigest("2")},
		{want: ocispec.Platform{OS: "linux", Architecture: "arm", Variant: "v6"}, expected: hexDigest("1")},
		{want: ocispec.Platform{OS: "linux", Architecture: "amd64"}, expected: hexDigest("3")},
		{want: ocispec.Platform{OS: "linux", Architecture: "s390x"}, err: "no manifest for linux/s390x"},
	}
	for _, tc := range cases {
		name, _ := json.Marshal(tc.want)
		t.Run(string(name), func(t *testing.T) {
			got, err := pickPlatform(list, &tc.want)
			if tc.err != "" {
				assert.Check(t, is.ErrorContains(err, tc.err))
				return
			}
			assert.NilError(t, err)
			assert.Equal(t, got, tc.expected)
		})
	}
}
