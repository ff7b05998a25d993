// Package extrametrics counts what extra storage does on this host, on
// either image store, served on dockerd's metrics-addr as
// engine_extra_storage_*: a pull carries its tally in its context, and the
// steps that know what happened add to it.
package extrametrics

import (
	"context"
	"errors"
	"time"

	"github.com/docker/docker/daemon/extrastorage"
	"github.com/docker/docker/layer"
	gometrics "github.com/docker/go-metrics"
)

// How a NAME:TAG-extra pull was served: from the store alone, or with the
// manifest and the layers the store lacks from the registry.
const (
	extraModeStore    = "store"
	extraModeAssisted = "registry-assisted"
)

// extraMetrics counts what extra storage does on this host, served on
// dockerd's metrics-addr as engine_extra_storage_*.
type extraMetrics struct {
	ns *gometrics.Namespace
	// pulls: label mode, outcome (pullOutcome).
	pulls gometrics.LabeledCounter
	// layers: label mode, source (linked from the store, present on the
	// host already, downloaded from the registry).
	layers gometrics.LabeledCounter
	// notDownloaded: the (uncompressed) bytes of the layers linked, which
	// a pull without the store would have downloaded; label mode.
	notDownloaded gometrics.LabeledCounter
	// storeErrors: label kind (storeErrorKind).
	storeErrors gometrics.LabeledCounter
}

func newExtraMetrics(ns *gometrics.Namespace) *extraMetrics {
	m := &extraMetrics{
		ns:            ns,
		pulls:         ns.NewLabeledCounter("pulls", "The number of NAME:TAG-extra pulls, by how they were served and their outcome", "mode", "outcome"),
		layers:        ns.NewLabeledCounter("layers", "The number of layers of NAME:TAG-extra pulls, by where each came from", "mode", "source"),
		notDownloaded: ns.NewLabeledCounter("bytes_not_downloaded", "The uncompressed bytes of the layers linked from extra storage instead of downloaded", "mode"),
		storeErrors:   ns.NewLabeledCounter("store_errors", "The number of extra pulls failed by the store, by kind", "kind"),
	}
	// Series that exist from the start, so that rates see their first pull.
	for _, mode := range []string{extraModeStore, extraModeAssisted} {
		m.pulls.WithValues(mode, "ok").Inc(0)
		m.notDownloaded.WithValues(mode).Inc(0)
		for _, source := range []string{"linked", "present", "downloaded"} {
			if mode == extraModeAssisted || source != "downloaded" {
				m.layers.WithValues(mode, source).Inc(0)
			}
		}
	}
	return m
}

// engineMetrics is registered once with the metrics endpoint, as
// moby's own namespaces are (internal/metrics).
var engineMetrics = newExtraMetrics(gometrics.NewNamespace("engine", "extra_storage", nil))

func init() {
	gometrics.Register(engineMetrics.ns)
}

// Pull is the tally of one extra pull, carried in its context so the
// steps of the pull add to it where they know what happened.
type Pull struct {
	mode                        string
	linked, present, downloaded int
	linkedBytes                 int64
	started                     time.Time
}

type pullKey struct{}

// Start returns ctx carrying a fresh tally of a pull from the store.
func Start(ctx context.Context) (context.Context, *Pull) {
	p := &Pull{mode: extraModeStore, started: time.Now()}
	return context.WithValue(ctx, pullKey{}, p), p
}

// Started is when the pull began: what the host got since came with it.
func (p *Pull) Started() time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.started
}

// Of is the tally ctx carries; nil (which every method accepts)
// outside an extra pull.
func Of(ctx context.Context) *Pull {
	p, _ := ctx.Value(pullKey{}).(*Pull)
	return p
}

// Assisted marks the pull as registry-assisted: the store lacked the name.
func (p *Pull) Assisted() {
	if p != nil {
		p.mode = extraModeAssisted
	}
}

// Layer counts a layer taken from the store: linked now, or found on the
// host already.
func (p *Pull) Layer(existed bool, size int64) {
	switch {
	case p == nil:
	case existed:
		p.present++
	default:
		p.linked++
		p.linkedBytes += size
	}
}

// Fetched counts the layers a registry-assisted pull took from the
// registry: downloaded, or found on the host already.
func (p *Pull) Fetched(downloaded, present int) {
	if p != nil {
		p.downloaded += downloaded
		p.present += present
	}
}

// Record adds the finished pull, which ended with err, to the engine's
// metrics.
func (p *Pull) Record(err error) {
	p.record(engineMetrics, err)
}

func (p *Pull) record(m *extraMetrics, err error) {
	m.pulls.WithValues(p.mode, pullOutcome(err)).Inc()
	m.layers.WithValues(p.mode, "linked").Inc(float64(p.linked))
	m.layers.WithValues(p.mode, "present").Inc(float64(p.present))
	if p.mode == extraModeAssisted {
		m.layers.WithValues(p.mode, "downloaded").Inc(float64(p.downloaded))
	}
	m.notDownloaded.WithValues(p.mode).Inc(float64(p.linkedBytes))
	if kind := storeErrorKind(err); kind != "" {
		m.storeErrors.WithValues(kind).Inc()
	}
}

// storeErrorKind names the store's part in err: "" when the store is not
// why the pull failed (or it did not).
func storeErrorKind(err error) string {
	var (
		timeout  *extrastorage.TimeoutError
		unavail  *extrastorage.UnavailableError
		bad      *extrastorage.BadStoreError
		mismatch *layer.ContentMismatchError
	)
	// An unavailable store may wrap the bad file that made it so: the
	// outer error is what happened.
	switch {
	case errors.As(err, &timeout) && timeout.Busy:
		return "busy"
	case errors.As(err, &timeout):
		return "timeout"
	case errors.As(err, &unavail):
		return "unavailable"
	case errors.As(err, &mismatch):
		return "content_mismatch"
	case errors.As(err, &bad):
		return "bad_store"
	default:
		return ""
	}
}

// pullOutcome is the outcome label of a pull that ended with err: ok;
// refused (the store's data failed a check); unavailable (the store could
// not be read in time); canceled (the client went away); failed (anything
// else, such as the registry in an assisted pull, or a wrong platform).
func pullOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	switch storeErrorKind(err) {
	case "content_mismatch", "bad_store":
		return "refused"
	case "busy", "timeout", "unavailable":
		return "unavailable"
	}
	if errors.Is(err, context.Canceled) {
		return "canceled"
	}
	return "failed"
}
