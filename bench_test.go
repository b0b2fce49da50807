package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The hot-path benchmarks compare, side by side in one run:
//
//	bare       the service's mux alone
//	minimal    a hand-written pooled status-capturing wrapper with a clock,
//	           the least any per-request recorder must do
//	promhttp   Prometheus duration histogram + request counter middleware
//	level0     ours, endpoint switched off
//	level1     ours, every request recorded
//
// Run: go test -run '^$' -bench 'ServeHTTP' -benchmem -count 10 . | tee new.txt; benchstat new.txt
//
// Ours writes to a store that discards batches, so that the numbers are
// those of the request path and not of SQLite competing for the CPU; the
// recorder goroutine still runs and drains the queue. dropped/op says
// whether the queue kept up (it should be 0).

// discardWriter is a ResponseWriter that reuses its header map, so that the
// benchmark measures handlers, not httptest.ResponseRecorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// discardStore accepts batches and forgets them.
type discardStore struct{ store.Store }

func (discardStore) Write(context.Context, *store.Batch) error { return nil }
func (discardStore) Endpoints(context.Context, string) ([]store.Endpoint, error) {
	return nil, nil
}
func (discardStore) SetLevel(context.Context, string, string, int) error  { return nil }
func (discardStore) Close() error                                         { return nil }
func (discardStore) WriteOutliers(context.Context, []store.Outlier) error { return nil }
func (discardStore) WritePanics(context.Context, []store.Panic) error     { return nil }
func (discardStore) WriteProfiles(context.Context, []store.Profile) error { return nil }

var body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

func benchMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	return mux
}

// minimalWriter is the smallest useful wrapper: it remembers the status.
type minimalWriter struct {
	http.ResponseWriter
	status int
}

func (w *minimalWriter) WriteHeader(c int) { w.status = c; w.ResponseWriter.WriteHeader(c) }
func (w *minimalWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	return w.ResponseWriter.Write(b)
}

var minimalPool = sync.Pool{New: func() any { return new(minimalWriter) }}

type minimalSample struct {
	pattern string
	status  int
	d       time.Duration
}

func minimal(next http.Handler, sink *minimalSample) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		mw := minimalPool.Get().(*minimalWriter)
		mw.ResponseWriter, mw.status = w, 0
		next.ServeHTTP(mw, r)
		*sink = minimalSample{r.Pattern, mw.status, time.Since(start)}
		mw.ResponseWriter = nil
		minimalPool.Put(mw)
	})
}

func promMiddleware(next http.Handler) http.Handler {
	reg := prometheus.NewRegistry()
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "request_duration_seconds", Buckets: prometheus.DefBuckets}, []string{"code", "method"})
	cnt := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "requests_total"}, []string{"code", "method"})
	reg.MustRegister(dur, cnt)
	return promhttp.InstrumentHandlerDuration(dur, promhttp.InstrumentHandlerCounter(cnt, next))
}

func benchDashboard(b *testing.B, level int) *Dashboard {
	d := mustNew(b, benchMux(), Config{Store: discardStore{memStore(b)}}) // memStore keeps the UI's users
	d.DeclareEndpoint("GET /books/{id}", "GET")
	if err := d.SetLevel(context.Background(), "GET /books/{id}", level); err != nil {
		b.Fatal(err)
	}
	return d
}

func benchHandlers(b *testing.B) []struct {
	name string
	h    http.Handler
	d    *Dashboard
} {
	var sink minimalSample
	d0, d1 := benchDashboard(b, 0), benchDashboard(b, 1)
	return []struct {
		name string
		h    http.Handler
		d    *Dashboard
	}{
		{"bare", benchMux(), nil},
		{"minimal", minimal(benchMux(), &sink), nil},
		{"promhttp", promMiddleware(benchMux()), nil},
		{"level0", d0, d0},
		{"level1", d1, d1},
	}
}

func BenchmarkServeHTTP(b *testing.B) {
	for _, c := range benchHandlers(b) {
		b.Run(c.name, func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			r := httptest.NewRequest("GET", "/books/42", nil)
			var before int64
			if c.d != nil {
				before = c.d.Stats().DroppedQueue
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.h.ServeHTTP(w, r)
			}
			b.StopTimer()
			if c.d != nil {
				b.ReportMetric(float64(c.d.Stats().DroppedQueue-before)/float64(b.N), "dropped/op")
			}
		})
	}
}

func BenchmarkServeHTTPParallel(b *testing.B) {
	for _, c := range benchHandlers(b) {
		b.Run(c.name, func(b *testing.B) {
			var before int64
			if c.d != nil {
				before = c.d.Stats().DroppedQueue
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: http.Header{}}
				r := httptest.NewRequest("GET", "/books/42", nil)
				for pb.Next() {
					c.h.ServeHTTP(w, r)
				}
			})
			b.StopTimer()
			if c.d != nil {
				b.ReportMetric(float64(c.d.Stats().DroppedQueue-before)/float64(b.N), "dropped/op")
			}
		})
	}
}

// TestLevel1AddsNoAllocations fails when recording a request starts to
// allocate: the dashboard must add nothing to what the mux itself does.
func TestLevel1AddsNoAllocations(t *testing.T) {
	d := mustNew(t, benchMux(), Config{Store: discardStore{memStore(t)}, Settings: map[string]string{"QUEUE_SIZE": "100000"},
		GroupBy: func(r *http.Request) string { return r.Header.Get("X-User") }})
	w := &discardWriter{h: http.Header{}}
	r := httptest.NewRequest("GET", "/books/42", nil)
	r.Header.Set("X-User", "alice")
	bare := benchMux()
	d.ServeHTTP(w, r) // the endpoint's first request registers it
	base := testing.AllocsPerRun(1000, func() { bare.ServeHTTP(w, r) })
	ours := testing.AllocsPerRun(1000, func() { d.ServeHTTP(w, r) })
	if ours > base {
		t.Errorf("level 1 allocates %.1f times per request, the bare mux %.1f: recording adds %.1f", ours, base, ours-base)
	}
	if lvl, _ := d.Level("GET /books/{id}"); lvl != 1 {
		t.Fatalf("endpoint level %d, want 1", lvl)
	}
	if d.Stats().DroppedQueue != 0 {
		t.Fatal("samples were dropped; the test did not measure the recording path")
	}
}
