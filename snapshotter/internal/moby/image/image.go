// Package image stands in for the part of moby's image package that the
// generated copy of the engine's resolve.go uses: an image config's rootfs.
// The snapshotter serves layers, not images, so it never reads a config.
package image

import (
	"encoding/json"
	"errors"

	"github.com/dockerd-extra/dockerd-extra/snapshotter/internal/moby/layer"
)

// RootFS lists an image's layers by diffID.
type RootFS struct {
	Type    string         `json:"type"`
	DiffIDs []layer.DiffID `json:"diff_ids,omitempty"`
}

// Image is the part of an image config read here.
type Image struct {
	RootFS *RootFS `json:"rootfs,omitempty"`
}

// NewFromJSON parses an image config, refusing one without rootfs as moby
// does.
func NewFromJSON(src []byte) (*Image, error) {
	img := &Image{}
	if err := json.Unmarshal(src, img); err != nil {
		return nil, err
	}
	if img.RootFS == nil {
		return nil, errors.New("invalid image JSON, no RootFS key")
	}
	return img, nil
}
