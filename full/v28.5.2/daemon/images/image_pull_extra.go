package images

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"time"

	"github.com/containerd/log"
	"github.com/distribution/reference"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/registry"
	"github.com/docker/docker/daemon/extrastorage"
	"github.com/docker/docker/daemon/extrastorage/extrametrics"
	"github.com/docker/docker/layer"
	"github.com/docker/docker/pkg/progress"
	"github.com/docker/docker/pkg/streamformatter"
	"github.com/docker/docker/pkg/stringid"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// pullFromExtraStorage serves a NAME:TAG-extra pull from the extra storage:
// the image is resolved in the store, every layer validated before any is
// linked, then linked (zero copy; hashed first with "verify": "content")
// and the image tagged base and extraRef.
func (i *ImageService) pullFromExtraStorage(ctx context.Context, base reference.NamedTagged, extraRef reference.Named, platform *ocispec.Platform, metaHeaders map[string][]string, authConfig *registry.AuthConfig, outStream io.Writer) (retErr error) {
	ctx, tally := extrametrics.Start(ctx)
	defer func() { tally.Record(retErr) }()
	po := streamformatter.NewJSONProgressOutput(outStream, false)
	store := i.extraStorage
	progress.Messagef(po, "", "%s: resolving in extra storage %s", reference.FamiliarString(base), store.Path())

	img, err := store.Lookup(ctx, base)
	var notIn *extrastorage.NotInStoreError
	if errors.As(err, &notIn) {
		return i.pullAssistedByRegistry(ctx, base, extraRef, platform, metaHeaders, authConfig, outStream)
	}
	if err != nil {
		return err
	}
	if err := extrastorage.CheckPlatform(img.Image, platform); err != nil {
		return err
	}
	refs, err := i.linkExtraLayers(ctx, img.Layers, reference.FamiliarString(extraRef), po)
	defer i.releaseLayers(refs)
	if err != nil {
		return err
	}

	imgID, err := createWithLinkedLayers(i.imageStore, img.Config)
	if err != nil {
		return err
	}
	if imgID.Digest() != img.ID {
		return fmt.Errorf("extra storage: image %s was stored as %s", img.ID, imgID)
	}
	for _, ref := range []reference.Named{base, extraRef} {
		if err := i.referenceStore.AddTag(ref, imgID.Digest(), true); err != nil {
			return err
		}
	}
	i.LogImageEvent(ctx, imgID.String(), reference.FamiliarString(extraRef), events.ActionPull)
	progress.Messagef(po, "", "Digest: %s", img.ID)
	progress.Messagef(po, "", "Status: Linked image for %s from extra storage (%d layers, no data copied)", reference.FamiliarString(base), len(img.Layers))
	log.G(ctx).WithFields(log.Fields{"image": reference.FamiliarString(extraRef), "id": img.ID, "store": store.Path(), "verify-content": store.VerifyContent()}).Info("extra storage: image linked")
	return nil
}

func (i *ImageService) releaseLayers(refs []layer.Layer) {
	for _, l := range refs {
		layer.ReleaseAndLog(i.layerStore, l)
	}
}

// linkExtraLayers registers each layer, base first, reusing local ones. It
// returns the references taken so far, which the caller releases once the
// image holds its own; on error that release removes what was linked.
// image is the reference pulled, recorded with each link.
func (i *ImageService) linkExtraLayers(ctx context.Context, layers []extrastorage.Layer, image string, po progress.Output) ([]layer.Layer, error) {
	reg, ok := i.layerStore.(layer.ExternalRegisterer)
	if !ok {
		return nil, fmt.Errorf("extra storage: layer store %s cannot link layers", i.layerStore.DriverName())
	}
	verify := i.extraStorage.VerifyContent()
	var refs []layer.Layer
	var parent layer.ChainID
	linked := 0
	for _, src := range layers {
		if err := ctx.Err(); err != nil {
			return refs, err
		}
		short := stringid.TruncateID(src.DiffID.String())
		if verify {
			progress.Update(po, short, "Verifying content")
		}
		existed := false
		if l, err := i.layerStore.Get(src.ChainID); err == nil {
			existed = true
			layer.ReleaseAndLog(i.layerStore, l)
		}
		l, err := i.registerWithDeadline(ctx, reg, layer.ExternalLayer{
			DiffID: src.DiffID, Size: src.Size, Root: src.Root, DiffRel: src.DiffRel, TarSplit: src.TarSplit, Verify: verify,
			Generation: src.Generation, Image: image,
		}, parent)
		var mismatch *layer.ContentMismatchError
		if errors.As(err, &mismatch) {
			return refs, err // it names the layer already
		}
		if err != nil {
			return refs, fmt.Errorf("extra storage: linking layer %s: %w", src.ChainID, err)
		}
		if existed {
			progress.Update(po, short, "Already exists")
		} else {
			linked++
			progress.Update(po, short, "Linked from extra storage")
		}
		extrametrics.Of(ctx).Layer(existed, src.Size)
		refs = append(refs, l)
		parent = src.ChainID
	}
	if linked > 0 {
		// Registration does not sync each file; one sync here, before the
		// image is recorded, means a recorded image never lost a layer.
		if err := reg.SyncLinked(); err != nil {
			return refs, err
		}
	}
	return refs, nil
}

// registerWithDeadline links one layer, giving up waiting when the client
// goes away or the store stops answering: the deadline grows with what the
// content check has to read. A registration blocked in the kernel cannot be
// cancelled; when it finishes after all, its layer is released.
func (i *ImageService) registerWithDeadline(ctx context.Context, reg layer.ExternalRegisterer, src layer.ExternalLayer, parent layer.ChainID) (layer.Layer, error) {
	type result struct {
		l   layer.Layer
		err error
	}
	done := make(chan result, 1)
	go func() {
		l, err := reg.RegisterExternal(src, parent)
		done <- result{l, err}
	}()
	limit := extrastorage.LinkTimeout(src.Size, src.Verify)
	timer := time.NewTimer(limit)
	defer timer.Stop()
	abandon := func() {
		go func() {
			if r := <-done; r.err == nil {
				layer.ReleaseAndLog(i.layerStore, r.l)
			}
		}()
	}
	select {
	case r := <-done:
		return r.l, r.err
	case <-ctx.Done():
		abandon()
		return nil, ctx.Err()
	case <-timer.C:
		abandon()
		return nil, &extrastorage.TimeoutError{Path: path.Join(src.Root, src.DiffRel), After: limit}
	}
}
