package query_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/demo"
	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// The benchmark database: the demo's book shop with a million requests
// over 30 days, 7 endpoints, 4 versions and 300 users. It is made once
// (about ten seconds) and kept in the temporary directory; the name
// changes with what is generated.
const (
	benchRequests = 1_000_000
	benchUsers    = 300
	benchDays     = 30
	benchFile     = "gmd-query-bench-1m-v2.db"
)

var benchEnd = time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)

var benchDB struct {
	once sync.Once
	path string
	err  error
}

// benchStore opens the benchmark database, making it first if needed.
func benchStore(b *testing.B) store.Store {
	b.Helper()
	benchDB.once.Do(func() {
		dir := os.Getenv("GMD_BENCH_DIR")
		if dir == "" {
			dir = os.TempDir()
		}
		benchDB.path = filepath.Join(dir, benchFile)
		if _, err := os.Stat(benchDB.path); err == nil {
			return
		}
		benchDB.err = makeBenchDB(benchDB.path)
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	s, err := sqlite.OpenFile(context.Background(), benchDB.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func makeBenchDB(path string) error {
	tmp := path + ".part"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	s, err := sqlite.OpenFile(context.Background(), tmp)
	if err != nil {
		return err
	}
	o := demo.WorldOptions{Users: benchUsers, Days: benchDays, End: benchEnd, Seed: 1, Loc: time.UTC, PerHour: 1}
	unit := demo.NewWorld(o)
	o.PerHour = benchRequests / unit.Expected(unit.Start, unit.End)
	w := demo.NewWorld(o)
	sum, err := demo.Backfill(context.Background(), s, w, demo.BackfillOptions{Seed: 1})
	if err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "made %s: %d requests in %v\n", path, sum.Requests, sum.Elapsed.Round(time.Millisecond))
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	return os.Rename(tmp, path)
}

func benchScope(b *testing.B) query.Scope {
	return query.Scope{Store: benchStore(b), Service: "bookshop", Loc: mustZone(b, "Europe/Amsterdam"), Now: benchEnd}
}

func mustZone(b *testing.B, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		b.Fatal(err)
	}
	return loc
}

// The busiest endpoint, about 300,000 of the million requests.
const benchEndpoint = "GET /books/{id}"

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
