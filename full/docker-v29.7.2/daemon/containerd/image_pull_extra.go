package containerd

import (
	"context"
	"errors"
	"fmt"

	c8dimages "github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/log"
	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/v2/daemon/extrastorage"
	"github.com/moby/moby/v2/daemon/extrastorage/extrametrics"
	"github.com/moby/moby/v2/daemon/extrastorage/snapshotpull"
	"github.com/moby/moby/v2/daemon/internal/progress"
	"github.com/moby/moby/v2/daemon/internal/stringid"
	"github.com/moby/moby/v2/daemon/server/imagebackend"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// pullFromExtraStorage serves a NAME:TAG-extra pull from the extra storage:
// the snapshotter links every layer from the store (zero copy), dockerd
// writes the config, a manifest and the image records, tagged base and
// extraRef. An image the store lacks is pulled from its registry, where the
// snapshotter still serves the layers the store holds.
func (i *ImageService) pullFromExtraStorage(ctx context.Context, base reference.NamedTagged, extraRef reference.Named, platform *ocispec.Platform, options imagebackend.PullOptions, out progress.Output) (retErr error) {
	ctx, tally := extrametrics.Start(ctx)
	defer func() { tally.Record(retErr) }()
	store := i.extraStorage
	progress.Messagef(out, "", "%s: resolving in extra storage %s", reference.FamiliarString(base), store.Path())
	res, err := snapshotpull.Pull(ctx, store, snapshotpull.Target{
		Content:         i.content,
		Snapshotter:     i.snapshotterService(i.snapshotter),
		SnapshotterName: i.snapshotter,
	}, base, platform, out)
	var notIn *extrastorage.NotInStoreError
	if errors.As(err, &notIn) {
		tally.Assisted()
		return i.pullExtraFromRegistry(ctx, base, extraRef, platform, options, out)
	}
	if err != nil {
		return err
	}
	for _, ref := range []reference.Named{base, extraRef} {
		if err := i.createOrReplaceImage(ctx, c8dimages.Image{Name: ref.String(), Target: res.Target, Labels: res.Labels}); err != nil {
			return err
		}
	}
	i.LogImageEvent(ctx, res.Target.Digest.String(), reference.FamiliarString(extraRef), events.ActionPull)
	progress.Messagef(out, "", "Digest: %s", res.Target.Digest)
	progress.Messagef(out, "", "Status: Linked image for %s from extra storage (%d layers, no data copied)", reference.FamiliarString(base), len(res.Image.Layers))
	log.G(ctx).WithFields(log.Fields{
		"image": reference.FamiliarString(extraRef), "id": res.Target.Digest, "config": res.Image.ID,
		"store": store.Path(), "linked": res.Linked, "verify-content": store.VerifyContent(),
	}).Info("extra storage: image linked")
	return nil
}

// pullExtraFromRegistry pulls base from its registry and tags it extraRef.
func (i *ImageService) pullExtraFromRegistry(ctx context.Context, base reference.NamedTagged, extraRef reference.Named, platform *ocispec.Platform, options imagebackend.PullOptions, out progress.Output) error {
	progress.Messagef(out, "", "%s is not in the extra storage; pulling it from its registry (layers the store holds are linked, not downloaded)", reference.FamiliarString(base))
	if err := i.pullTag(ctx, base, platform, options.MetaHeaders, options.AuthConfig, out); err != nil {
		return fmt.Errorf("%s is not in the extra storage at %s, and its registry could not be asked: %w", reference.FamiliarString(base), i.extraStorage.Path(), err)
	}
	img, err := i.images.Get(ctx, base.String())
	if err != nil {
		return err
	}
	return i.createOrReplaceImage(ctx, c8dimages.Image{Name: extraRef.String(), Target: img.Target, Labels: img.Labels})
}

// reportLinkedLayers says which layers of a registry pull the snapshotter
// linked from the extra storage: their snapshots exist but their blobs were
// never downloaded; in a registry-assisted NAME:TAG-extra pull it counts
// how each layer came. It only reports; a failure to tell is logged.
func (i *ImageService) reportLinkedLayers(ctx context.Context, target ocispec.Descriptor, platform platforms.MatchComparer, out progress.Output) {
	if i.extraStorage == nil {
		return
	}
	tally := extrametrics.Of(ctx) // nil outside a NAME:TAG-extra pull, started at the zero time
	f, err := snapshotpull.CountFetched(ctx, i.content, i.snapshotterService(i.snapshotter), target, platform, tally.Started())
	if err != nil {
		// Only the counters of a NAME:TAG-extra pull are lost to it; a plain pull just says less.
		if l := log.G(ctx).WithError(err); tally != nil {
			l.Warn("extra storage: cannot count how the layers of a registry-assisted pull came")
		} else {
			l.Debug("extra storage: cannot tell which layers were linked")
		}
		return
	}
	for _, desc := range f.LinkedNow {
		tally.Layer(false, desc.Size)
	}
	tally.Fetched(f.Downloaded, f.Present)
	for _, desc := range f.Linked {
		progress.Update(out, stringid.TruncateID(desc.Digest.Encoded()), "Linked from extra storage")
	}
	if len(f.Linked) > 0 {
		progress.Messagef(out, "", "%d layers linked from extra storage %s, not downloaded", len(f.Linked), i.extraStorage.Path())
	}
}
