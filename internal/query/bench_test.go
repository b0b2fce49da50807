package query_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/benchdb"
	"github.com/go-monitoring-dashboard/dashboard/internal/query"
)

var benchEnd = benchdb.End()

// benchScope reads the benchmark database: a million requests (see
// internal/benchdb).
func benchScope(b *testing.B) query.Scope {
	return query.Scope{Store: benchdb.Open(b), Service: benchdb.Service, Loc: mustZone(b, benchdb.Zone), Now: benchEnd}
}

func mustZone(b *testing.B, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		b.Fatal(err)
	}
	return loc
}

// The busiest endpoint, about 300,000 of the million requests.
const benchEndpoint = benchdb.Endpoint

// BenchmarkOverview measures the overview page's data.
func BenchmarkOverview(b *testing.B) {
	sc := benchScope(b)
	ctx := context.Background()
	var n int64
	for b.Loop() {
		o, err := query.Overview(ctx, sc, query.Window{})
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for _, e := range o.Endpoints {
			n += e.HitsTotal
		}
	}
	b.ReportMetric(float64(n), "requests")
}

// BenchmarkEndpointPage measures all of one endpoint's page over the last
// 30 days.
func BenchmarkEndpointPage(b *testing.B) {
	sc := benchScope(b)
	ctx := context.Background()
	w := query.LastDays(benchEnd, sc.Loc, 30)
	for b.Loop() {
		if _, err := query.Endpoint(ctx, sc, benchEndpoint, w, query.CallerOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEndpointParts measures the endpoint page's parts one by one.
func BenchmarkEndpointParts(b *testing.B) {
	sc := benchScope(b)
	ctx := context.Background()
	w := query.LastDays(benchEnd, sc.Loc, 30)
	parts := []struct {
		name string
		fn   func() error
	}{
		{"Heatmap", func() error { _, err := query.EndpointHeatmap(ctx, sc, benchEndpoint); return err }},
		{"Hourly", func() error { _, err := query.EndpointHourly(ctx, sc, benchEndpoint); return err }},
		{"VersionBoxes", func() error { _, err := query.VersionBoxes(ctx, sc, benchEndpoint, w); return err }},
		{"Callers", func() error {
			_, err := query.EndpointCallers(ctx, sc, benchEndpoint, w, query.CallerOptions{})
			return err
		}},
		{"Status", func() error { _, err := query.EndpointStatus(ctx, sc, benchEndpoint, w); return err }},
	}
	for _, p := range parts {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if err := p.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVersionsPage measures the versions page's data over all time.
func BenchmarkVersionsPage(b *testing.B) {
	sc := benchScope(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := query.Versions(ctx, sc, query.Window{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInstances measures the instances table of the overview (and of
// api/services, per service): one read of the instances, one sum of the
// rollups by instance, over all time.
func BenchmarkInstances(b *testing.B) {
	sc := benchScope(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := query.Instances(ctx, sc, query.Window{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEndpointInstances measures the endpoint page's per-instance
// table over the last 30 days.
func BenchmarkEndpointInstances(b *testing.B) {
	sc := benchScope(b)
	ctx := context.Background()
	w := query.LastDays(benchEnd, sc.Loc, 30)
	for b.Loop() {
		if _, err := query.EndpointInstances(ctx, sc, benchEndpoint, w); err != nil {
			b.Fatal(err)
		}
	}
}
