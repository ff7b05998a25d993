package extrastorage

import (
	"fmt"

	"github.com/containerd/platforms"
	"github.com/docker/docker/errdefs"
	"github.com/docker/docker/image"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// CheckPlatform refuses a store image whose platform does not match the
// one requested with --platform, or the host's when none was: a store
// holds one image per name, so there is nothing else to pick.
func CheckPlatform(img *image.Image, requested *ocispec.Platform) error {
	want := platforms.DefaultSpec()
	if requested != nil {
		want = *requested
	}
	have := ocispec.Platform{OS: img.OperatingSystem(), Architecture: img.Architecture, Variant: img.Variant}
	if platforms.Only(want).Match(have) {
		return nil
	}
	return errdefs.NotFound(fmt.Errorf("extra storage: the stored image is for %s, not %s: pull it without -extra or prepare a %s image in the store",
		platforms.FormatAll(have), platforms.FormatAll(want), platforms.FormatAll(want)))
}
