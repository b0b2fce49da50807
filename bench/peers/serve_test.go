package peers

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/hotbench"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// The rows, side by side in one run:
//
//	bare       the service's mux alone
//	minimal    a hand-written pooled status-capturing wrapper with a clock,
//	           the least any per-request recorder must do
//	promhttp   Prometheus duration histogram + request counter middleware
//	level0     ours, endpoint switched off
//	level1     ours, every request recorded
//
// Ours writes to a store that discards batches, as in the root package's
// benchmark, through the dashboard's exported API only.

func BenchmarkServeHTTP(b *testing.B)         { hotbench.ServeHTTP(b, rows(b)) }
func BenchmarkServeHTTPParallel(b *testing.B) { hotbench.ServeHTTPParallel(b, rows(b)) }

func rows(tb testing.TB) []hotbench.Row {
	var sink hotbench.MinimalSample
	d0, d1 := dashboardAt(tb, 0), dashboardAt(tb, 1)
	return []hotbench.Row{
		{Name: "bare", Handler: hotbench.Mux()},
		{Name: "minimal", Handler: hotbench.Minimal(hotbench.Mux(), &sink)},
		{Name: "promhttp", Handler: promMiddleware(hotbench.Mux())},
		{Name: "level0", Handler: d0, Dropped: func() int64 { return d0.Stats().DroppedQueue }},
		{Name: "level1", Handler: d1, Dropped: func() int64 { return d1.Stats().DroppedQueue }},
	}
}

func promMiddleware(next http.Handler) http.Handler {
	reg := prometheus.NewRegistry()
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "request_duration_seconds", Buckets: prometheus.DefBuckets}, []string{"code", "method"})
	cnt := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "requests_total"}, []string{"code", "method"})
	reg.MustRegister(dur, cnt)
	return promhttp.InstrumentHandlerDuration(dur, promhttp.InstrumentHandlerCounter(cnt, next))
}

// dashboardAt serves hotbench.Mux with the route at the given level.
func dashboardAt(tb testing.TB, level int) *dashboard.Dashboard {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, "sqlite:///:memory:") // keeps the UI's users
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	d, err := dashboard.New(hotbench.Mux(), dashboard.Config{
		Store:      hotbench.DiscardStore{Store: s},
		AppVersion: "v-bench",
		Service:    "svc",
		Instance:   "host-1",
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		d.Close(ctx)
	})
	d.DeclareEndpoint(hotbench.Route, "GET")
	if err := d.SetLevel(ctx, hotbench.Route, level); err != nil {
		tb.Fatal(err)
	}
	return d
}

// TestRows checks that every row serves the route, and that the dashboard
// rows record what their level says: nothing at 0, every request at 1.
func TestRows(t *testing.T) {
	for _, row := range rows(t) {
		t.Run(row.Name, func(t *testing.T) {
			for range 3 {
				rec := httptest.NewRecorder()
				row.Handler.ServeHTTP(rec, httptest.NewRequest("GET", hotbench.Path, nil))
				if rec.Code != 200 || rec.Body.String() != string(hotbench.Body) {
					t.Fatalf("answer %d %q, want 200 %q", rec.Code, rec.Body.String(), hotbench.Body)
				}
			}
			d, ok := row.Handler.(*dashboard.Dashboard)
			if !ok {
				return
			}
			if err := d.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			want := map[string]int64{"level0": 0, "level1": 3}[row.Name]
			if got := d.Stats().Written; got != want {
				t.Errorf("%d requests written, want %d", got, want)
			}
		})
	}
}
