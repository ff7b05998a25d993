package extrastorage

import (
	"strings"

	"github.com/distribution/reference"
)

// extraSuffix turns an ordinary tag into its extra-storage trigger.
const extraSuffix = "-extra"

// ExtraTag tells whether ref asks for the extra storage, and returns the
// reference it stands for: NAME:TAG-extra → NAME:TAG, NAME:extra →
// NAME:latest. Tags merely ending in "extra" (NAME:7extra) are ordinary.
func ExtraTag(ref reference.Named) (reference.NamedTagged, bool) {
	if _, ok := ref.(reference.Digested); ok {
		return nil, false
	}
	tagged, ok := ref.(reference.NamedTagged)
	if !ok {
		return nil, false
	}
	tag := tagged.Tag()
	switch {
	case tag == "extra":
		tag = "latest"
	case strings.HasSuffix(tag, extraSuffix) && len(tag) > len(extraSuffix):
		tag = strings.TrimSuffix(tag, extraSuffix)
	default:
		return nil, false
	}
	base, err := reference.WithTag(reference.TrimNamed(ref), tag)
	if err != nil {
		return nil, false
	}
	return base, true
}
