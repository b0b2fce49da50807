// Package hotbench holds what the request-path benchmarks share: the
// service's route, the least work any per-request recorder must do, a
// store that discards what it is given, and the loops that run handlers
// side by side in one run.
//
// The root package's benchmarks use it, and so does bench/peers, a module
// of its own that runs the same rows beside other projects' middleware, so
// that their code stays out of the root module's requirements. Only tests
// import this package.
package hotbench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Route is the pattern Mux serves, and Path a request it matches.
const (
	Route = "GET /books/{id}"
	Path  = "/books/42"
)

// Body is what Mux writes.
var Body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

// Mux is the service: one ServeMux route that writes a small JSON body.
func Mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc(Route, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(Body)
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

// MinimalSample is what Minimal keeps of a request.
type MinimalSample struct {
	Pattern string
	Status  int
	D       time.Duration
}

// Minimal is a hand-written pooled status-capturing wrapper with a clock:
// the least any per-request recorder must do. It keeps the last request's
// sample in *sink.
func Minimal(next http.Handler, sink *MinimalSample) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		mw := minimalPool.Get().(*minimalWriter)
		mw.ResponseWriter, mw.status = w, 0
		next.ServeHTTP(mw, r)
		*sink = MinimalSample{r.Pattern, mw.status, time.Since(start)}
		mw.ResponseWriter = nil
		minimalPool.Put(mw)
	})
}

// DiscardStore accepts writes and forgets them, so that a benchmark
// measures the request path, not the database competing for the CPU; the
// recorder goroutine still runs and drains its queue. Reads go to the
// embedded store (which keeps, for instance, the dashboard's users).
type DiscardStore struct{ store.Store }

func (DiscardStore) Write(context.Context, *store.Batch) error { return nil }
func (DiscardStore) Endpoints(context.Context, string) ([]store.Endpoint, error) {
	return nil, nil
}
func (DiscardStore) SetLevel(context.Context, string, string, int) error  { return nil }
func (DiscardStore) Close() error                                         { return nil }
func (DiscardStore) WriteOutliers(context.Context, []store.Outlier) error { return nil }
func (DiscardStore) WritePanics(context.Context, []store.Panic) error     { return nil }
func (DiscardStore) WriteProfiles(context.Context, []store.Profile) error { return nil }

// discardWriter is a ResponseWriter that reuses its header map, so that
// the benchmark measures handlers, not httptest.ResponseRecorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// Row is one handler of a side-by-side comparison.
type Row struct {
	Name    string
	Handler http.Handler
	// Dropped, when set, returns how many samples the handler has dropped
	// so far; the benchmark reports dropped/op, which says whether the
	// recorder kept up (it should be 0).
	Dropped func() int64
}

// ServeHTTP runs each row as a sub-benchmark serving GET Path one request
// after another, with allocations reported.
func ServeHTTP(b *testing.B, rows []Row) {
	for _, row := range rows {
		b.Run(row.Name, func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			r := httptest.NewRequest("GET", Path, nil)
			before := dropped(row)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				row.Handler.ServeHTTP(w, r)
			}
			b.StopTimer()
			report(b, row, before)
		})
	}
}

// ServeHTTPParallel is ServeHTTP with every core serving requests as fast
// as it can: an overload, under which the recorder may have to drop.
func ServeHTTPParallel(b *testing.B, rows []Row) {
	for _, row := range rows {
		b.Run(row.Name, func(b *testing.B) {
			before := dropped(row)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: http.Header{}}
				r := httptest.NewRequest("GET", Path, nil)
				for pb.Next() {
					row.Handler.ServeHTTP(w, r)
				}
			})
			b.StopTimer()
			report(b, row, before)
		})
	}
}

func dropped(row Row) int64 {
	if row.Dropped == nil {
		return 0
	}
	return row.Dropped()
}

func report(b *testing.B, row Row, before int64) {
	if row.Dropped != nil {
		b.ReportMetric(float64(row.Dropped()-before)/float64(b.N), "dropped/op")
	}
}
