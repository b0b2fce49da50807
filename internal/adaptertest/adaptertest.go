// Package adaptertest holds what the router adapters' tests and
// benchmarks share: a store that outlives the dashboard, one that discards
// everything, a reusable discarding ResponseWriter, and helpers to serve a
// request and read what was recorded.
package adaptertest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/hotbench"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// Service is the service name Config sets; Username and Password are
// its admin's credentials.
const (
	Service  = "svc"
	Username = "admin"
	Password = "adapter-test-password"
)

// MemStore opens an in-memory SQLite store that outlives the dashboards
// using it, so that a test can read it after Close.
func MemStore(tb testing.TB) store.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Config is a dashboard configuration for tests writing to s: a fixed
// version, service, instance and admin, and no log output.
func Config(s store.Store) dashboard.Config {
	return dashboard.Config{Store: s, AppVersion: "v-test", Service: Service, Instance: "host-1",
		Username: Username, Password: Password, Logger: slog.New(slog.DiscardHandler)}
}

// Close closes d, failing the test on error, so that everything it
// recorded is in its store.
func Close(tb testing.TB, d *dashboard.Dashboard) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		tb.Fatalf("Close: %v", err)
	}
}

// Rows returns every request row of s, oldest first.
func Rows(tb testing.TB, s store.Store) []store.Request {
	tb.Helper()
	var out []store.Request
	if err := s.Requests(context.Background(), store.RequestFilter{}, func(r *store.Request) error {
		out = append(out, *r)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return out
}

// Endpoints returns the endpoints of Service in s, by name.
func Endpoints(tb testing.TB, s store.Store) map[string]store.Endpoint {
	tb.Helper()
	eps, err := s.Endpoints(context.Background(), Service)
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[string]store.Endpoint, len(eps))
	for _, e := range eps {
		out[e.Name] = e
	}
	return out
}

// Serve serves one request with h and returns the status written and
// the value of a panic that escaped h, as net/http's server would see it.
func Serve(h http.Handler, method, target string) (status int, panicked any) {
	w := httptest.NewRecorder()
	func() {
		defer func() { panicked = recover() }()
		h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	}()
	return w.Code, panicked
}

// DiscardWriter is a ResponseWriter that reuses its header map, so that a
// benchmark measures handlers, not httptest.ResponseRecorder.
type DiscardWriter struct{ H http.Header }

func NewDiscardWriter() *DiscardWriter               { return &DiscardWriter{H: http.Header{}} }
func (w *DiscardWriter) Header() http.Header         { return w.H }
func (w *DiscardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *DiscardWriter) WriteHeader(int)             {}

// DiscardStore accepts batches and forgets them, so that a benchmark
// measures the request path and not the database: the root package's
// benchmarks use the same one.
type DiscardStore = hotbench.DiscardStore

// BenchConfig is a configuration for benchmarks: a discarding store and a
// queue long enough that the recorder keeps up.
func BenchConfig(tb testing.TB) dashboard.Config {
	c := Config(DiscardStore{Store: MemStore(tb)})
	c.Settings = map[string]string{"QUEUE_SIZE": "100000"}
	return c
}

// AllocConfig is a configuration for counting a request's allocations:
// testing.AllocsPerRun counts those of every goroutine, so the recorder
// must not write a batch while it counts.
func AllocConfig(tb testing.TB) dashboard.Config {
	c := Config(DiscardStore{Store: MemStore(tb)})
	c.Settings = map[string]string{"QUEUE_SIZE": "100000", "BATCH_SIZE": "100000", "FLUSH_INTERVAL": "1h"}
	return c
}

// BenchTargets are the requests the adapters' benchmarks make, by the
// name of the route kind: a route with a parameter, and one inside a
// group or sub-router.
var BenchTargets = []struct{ Name, Target string }{
	{"param", "/books/42"},
	{"group", "/api/v1/authors/7"},
}

// BenchBareVsOurs benchmarks bare, the router alone, mw, the router with
// one middleware of its own kind that does nothing (what any middleware
// costs in that router), and ours, the router with d bound at level 1,
// for each of BenchTargets. The sub-benchmarks are named
// route=KIND/router=bare|mw|level1, so that `benchstat -col /router` puts
// them side by side. For level1 it reports the samples dropped per
// request, which must be 0 for the figure to be the recording path's.
func BenchBareVsOurs(b *testing.B, d *dashboard.Dashboard, bare, mw, ours http.Handler) {
	for _, tg := range BenchTargets {
		for _, c := range []struct {
			name string
			h    http.Handler
		}{{"bare", bare}, {"mw", mw}, {"level1", ours}} {
			b.Run("route="+tg.Name+"/router="+c.name, func(b *testing.B) {
				w := NewDiscardWriter()
				req := httptest.NewRequest("GET", tg.Target, nil)
				before := d.Stats().DroppedQueue
				b.ReportAllocs()
				for b.Loop() {
					c.h.ServeHTTP(w, req)
				}
				if c.name == "level1" {
					b.ReportMetric(float64(d.Stats().DroppedQueue-before)/float64(b.N), "dropped/op")
				}
			})
		}
	}
}

// CheckDeclared checks that the stored endpoints are exactly want (name →
// methods; nil for a route that serves every method), each declared and
// never requested: discovery listed every route, and the dashboard's own
// pages are not among them.
func CheckDeclared(tb testing.TB, s store.Store, want map[string][]string) {
	tb.Helper()
	eps := Endpoints(tb, s)
	for name, methods := range want {
		e, ok := eps[name]
		if !ok {
			tb.Errorf("route %q not declared", name)
			continue
		}
		if !e.LastRequested.IsZero() {
			tb.Errorf("%q requested, but no request was made", name)
		}
		if fmt.Sprint(e.Methods) != fmt.Sprint(methods) && !(len(methods) == 0 && len(e.Methods) == 0) {
			tb.Errorf("%q methods %v, want %v", name, e.Methods, methods)
		}
	}
	for name := range eps {
		if _, ok := want[name]; !ok {
			tb.Errorf("unexpected endpoint %q (the dashboard's own pages must not be one)", name)
		}
	}
}
