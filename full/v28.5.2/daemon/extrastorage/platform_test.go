package extrastorage

import (
	"runtime"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/containerd/platforms"
	"github.com/docker/docker/image"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestCheckPlatform(t *testing.T) {
	other := "s390x"
	if runtime.GOARCH == other {
		other = "amd64"
	}
	cases := []struct {
		name      string
		os, arch  string
		variant   string
		requested *ocispec.Platform
		want      []string // substrings of the error; nil = accepted
	}{
		{name: "host platform by default", os: runtime.GOOS, arch: runtime.GOARCH},
		{name: "empty OS is the host's", arch: runtime.GOARCH},
		{name: "other architecture, no --platform", os: "linux", arch: other,
			want: []string{"linux/" + other, platforms.FormatAll(platforms.DefaultSpec())}},
		{name: "requested platform matches", os: "linux", arch: "arm64", requested: &ocispec.Platform{OS: "linux", Architecture: "arm64"}},
		{name: "requested architecture differs", os: "linux", arch: "amd64", requested: &ocispec.Platform{OS: "linux", Architecture: "arm64"},
			want: []string{"stored image is for linux/amd64", "not linux/arm64"}},
		{name: "requested OS differs", os: "linux", arch: "amd64", requested: &ocispec.Platform{OS: "windows", Architecture: "amd64"},
			want: []string{"linux/amd64", "windows/amd64"}},
		{name: "requested variant differs", os: "linux", arch: "arm", variant: "v7", requested: &ocispec.Platform{OS: "linux", Architecture: "arm", Variant: "v6"},
			want: []string{"linux/arm/v7", "linux/arm/v6"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := &image.Image{V1Image: image.V1Image{OS: tc.os, Architecture: tc.arch, Variant: tc.variant}}
			err := CheckPlatform(img, tc.requested)
			if tc.want == nil {
				assert.NilError(t, err)
				return
			}
			assert.Check(t, cerrdefs.IsNotFound(err), "%v", err)
			for _, w := range tc.want {
				assert.Check(t, is.ErrorContains(err, w))
			}
		})
	}
}
