package snapshotpull

import (
	"encoding/json"
	"fmt"

	"github.com/docker/docker/daemon/extrastorage"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

const (
	// LabelStore marks an image record made from the extra storage, with
	// the store's path: a save knows where to rebuild its layers from.
	LabelStore = "com.docker.extra-storage.path"

	labelSnapshotRef    = "containerd.io/snapshot.ref"
	labelSnapshotDiffID = "containerd.io/snapshot/diff-id"
	labelSnapshotParent = "containerd.io/snapshot/parent-chain-id"
	// labelRequireLink asks extra-snapshotter for the store's layer or
	// nothing: a layer it refuses fails the Prepare with the reason.
	labelRequireLink = "containerd.io/snapshot/extra.require-link"
	labelGCConfig    = "containerd.io/gc.ref.content.config"
	labelGCSnapshot  = "containerd.io/gc.ref.snapshot."
)

// imageContent is what dockerd writes for a store image: its config (the
// store's bytes), a manifest, and the labels that keep them and the
// snapshots alive for containerd's garbage collector.
type imageContent struct {
	config         ocispec.Descriptor
	configLabels   map[string]string
	manifest       ocispec.Descriptor
	manifestBytes  []byte
	manifestLabels map[string]string
}

// contentFor builds the image's content: the same store image gives the
// same manifest, so the image ID is the same on every host. The layers are
// uncompressed tars whose digests are the diffIDs; their blobs are absent,
// and on purpose not referenced for the collector.
func contentFor(img *extrastorage.Image, snapshotter string) (imageContent, error) {
	if len(img.Layers) == 0 {
		return imageContent{}, fmt.Errorf("extra storage: image %s has no layers", img.ID)
	}
	platform := img.Image.Platform()
	config := ocispec.Descriptor{
		MediaType: ocispec.MediaTypeImageConfig,
		Digest:    img.ID,
		Size:      int64(len(img.Config)),
		Platform:  &platform,
	}
	m := ocispec.Manifest{
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    ocispec.Descriptor{MediaType: config.MediaType, Digest: config.Digest, Size: config.Size},
	}
	m.SchemaVersion = 2
	for _, l := range img.Layers {
		m.Layers = append(m.Layers, ocispec.Descriptor{
			MediaType: ocispec.MediaTypeImageLayer,
			Digest:    digest.Digest(l.DiffID),
			Size:      l.TarSize,
		})
	}
	b, err := json.Marshal(m)
	if err != nil {
		return imageContent{}, err
	}
	top := img.Layers[len(img.Layers)-1].ChainID
	return imageContent{
		config:         config,
		configLabels:   map[string]string{labelGCSnapshot + snapshotter: digest.Digest(top).String()},
		manifest:       ocispec.Descriptor{MediaType: m.MediaType, Digest: digest.FromBytes(b), Size: int64(len(b)), Platform: &platform},
		manifestBytes:  b,
		manifestLabels: map[string]string{labelGCConfig: config.Digest.String()},
	}, nil
}

// snapshotLabels are the labels of a layer's Prepare, as containerd's
// unpacker sets them (the snapshotter serves the chain named by the ref),
// and the demand that the layer come from the store.
func snapshotLabels(l, parent extrastorage.Layer, hasParent bool) map[string]string {
	labels := map[string]string{
		labelSnapshotRef:    digest.Digest(l.ChainID).String(),
		labelSnapshotDiffID: digest.Digest(l.DiffID).String(),
		labelRequireLink:    "true",
	}
	if hasParent {
		labels[labelSnapshotParent] = digest.Digest(parent.ChainID).String()
	}
	return labels
}
