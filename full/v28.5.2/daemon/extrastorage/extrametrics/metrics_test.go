package extrametrics

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/daemon/extrastorage"
	"github.com/docker/docker/layer"
	gometrics "github.com/docker/go-metrics"
	"github.com/prometheus/client_golang/prometheus"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestStoreErrorKindAndPullOutcome(t *testing.T) {
	cases := []struct {
		name          string
		err           error
		kind, outcome string
	}{
		{name: "success", outcome: "ok"},
		{name: "not mounted", err: &extrastorage.UnavailableError{Path: "/s", Err: os.ErrNotExist}, kind: "unavailable", outcome: "unavailable"},
		{name: "unavailable for a bad file", err: &extrastorage.UnavailableError{Path: "/s", Err: &extrastorage.BadStoreError{Path: "/s/x"}}, kind: "unavailable", outcome: "unavailable"},
		{name: "hung", err: &extrastorage.TimeoutError{Path: "/s"}, kind: "timeout", outcome: "unavailable"},
		{name: "too many waiting", err: &extrastorage.TimeoutError{Path: "/s", Busy: true}, kind: "busy", outcome: "unavailable"},
		{name: "bad metadata, wrapped", err: fmt.Errorf("extra storage: linking layer x: %w", &extrastorage.BadStoreError{Path: "/s/x"}), kind: "bad_store", outcome: "refused"},
		{name: "content does not hash", err: &layer.ContentMismatchError{Source: "/s/d"}, kind: "content_mismatch", outcome: "refused"},
		{name: "client gone", err: context.Canceled, outcome: "canceled"},
		{name: "registry said no", err: errors.New("manifest unknown"), outcome: "failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Check(t, is.Equal(storeErrorKind(tc.err), tc.kind))
			assert.Check(t, is.Equal(pullOutcome(tc.err), tc.outcome))
		})
	}
}

// gather reads every series of m as "name{label=value,...}" → value.
func gather(t *testing.T, m *extraMetrics) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	assert.NilError(t, reg.Register(m.ns))
	families, err := reg.Gather()
	assert.NilError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		for _, s := range f.GetMetric() {
			var labels []string
			for _, l := range s.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			sort.Strings(labels)
			got[f.GetName()+"{"+strings.Join(labels, ",")+"}"] = s.GetCounter().GetValue()
		}
	}
	return got
}

func TestExtraPullRecord(t *testing.T) {
	type step func(ctx context.Context)
	cases := []struct {
		name  string
		steps []step
		err   error
		want  map[string]float64 // series that must have these values
	}{
		{
			name: "a store pull links two layers, one was there",
			steps: []step{
				func(ctx context.Context) { Of(ctx).Layer(false, 100) },
				func(ctx context.Context) { Of(ctx).Layer(true, 50) },
				func(ctx context.Context) { Of(ctx).Layer(false, 20) },
			},
			want: map[string]float64{
				"engine_extra_storage_pulls_total{mode=store,outcome=ok}":                 1,
				"engine_extra_storage_layers_total{mode=store,source=linked}":             2,
				"engine_extra_storage_layers_total{mode=store,source=present}":            1,
				"engine_extra_storage_bytes_not_downloaded_total{mode=store}":             120,
				"engine_extra_storage_pulls_total{mode=registry-assisted,outcome=ok}":     0,
				"engine_extra_storage_layers_total{mode=registry-assisted,source=linked}": 0,
			},
		},
		{
			name: "an assisted pull links one and downloads two",
			steps: []step{
				func(ctx context.Context) { Of(ctx).Assisted() },
				func(ctx context.Context) { Of(ctx).Layer(false, 7) },
				func(ctx context.Context) { Of(ctx).Fetched(2, 1) },
			},
			want: map[string]float64{
				"engine_extra_storage_pulls_total{mode=registry-assisted,outcome=ok}":         1,
				"engine_extra_storage_layers_total{mode=registry-assisted,source=linked}":     1,
				"engine_extra_storage_layers_total{mode=registry-assisted,source=downloaded}": 2,
				"engine_extra_storage_layers_total{mode=registry-assisted,source=present}":    1,
				"engine_extra_storage_bytes_not_downloaded_total{mode=registry-assisted}":     7,
				"engine_extra_storage_pulls_total{mode=store,outcome=ok}":                     0,
			},
		},
		{
			name: "a refused layer counts the pull and the store error",
			err:  &layer.ContentMismatchError{Source: "/s/d"},
			want: map[string]float64{
				"engine_extra_storage_pulls_total{mode=store,outcome=refused}":   1,
				"engine_extra_storage_store_errors_total{kind=content_mismatch}": 1,
				"engine_extra_storage_pulls_total{mode=store,outcome=ok}":        0,
				"engine_extra_storage_layers_total{mode=store,source=linked}":    0,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newExtraMetrics(gometrics.NewNamespace("engine", "extra_storage", nil))
			ctx, tally := Start(context.Background())
			for _, s := range tc.steps {
				s(ctx)
			}
			tally.record(m, tc.err)
			got := gather(t, m)
			for k, v := range tc.want {
				value, ok := got[k]
				assert.Check(t, ok, "no series %s in %v", k, got)
				assert.Check(t, is.Equal(value, v), k)
			}
		})
	}
}

func TestExtraPullOutsideAPull(t *testing.T) {
	// Steps of the pull code run for other callers too: nothing to count.
	p := Of(context.Background())
	assert.Check(t, p == nil)
	p.Assisted()
	p.Layer(false, 1)
	p.Fetched(1, 1)
	assert.Check(t, p.Started().IsZero())
}

func TestExtraPullStarted(t *testing.T) {
	before := time.Now()
	ctx, p := Start(context.Background())
	assert.Check(t, Of(ctx) == p)
	assert.Check(t, !p.Started().Before(before) && !p.Started().After(time.Now()), "%v", p.Started())
}
