package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"

	"github.com/go-monitoring-dashboard/dashboard/internal/hotbench"
)

// The hot-path benchmarks compare, side by side in one run:
//
//	bare       the service's mux alone
//	minimal    a hand-written pooled status-capturing wrapper with a clock,
//	           the least any per-request recorder must do
//	level0     ours, endpoint switched off
//	level1     ours, every request recorded
//
// Run: go test -run '^$' -bench 'ServeHTTP' -benchmem -count 10 . | tee new.txt; benchstat new.txt
//
// The same rows beside Prometheus' promhttp middleware are in the module
// bench/peers, which keeps that code out of this module's requirements.
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
type discardStore = hotbench.DiscardStore

var body = hotbench.Body

func benchMux() *http.ServeMux { return hotbench.Mux() }

func benchDashboard(b *testing.B, level int) *Dashboard {
	d := mustNew(b, benchMux(), Config{Store: discardStore{Store: memStore(b)}}) // memStore keeps the UI's users
	d.DeclareEndpoint(hotbench.Route, "GET")
	if err := d.SetLevel(context.Background(), hotbench.Route, level); err != nil {
		b.Fatal(err)
	}
	return d
}

func benchRows(b *testing.B) []hotbench.Row {
	var sink hotbench.MinimalSample
	d0, d1 := benchDashboard(b, 0), benchDashboard(b, 1)
	return []hotbench.Row{
		{Name: "bare", Handler: benchMux()},
		{Name: "minimal", Handler: hotbench.Minimal(benchMux(), &sink)},
		{Name: "level0", Handler: d0, Dropped: func() int64 { return d0.Stats().DroppedQueue }},
		{Name: "level1", Handler: d1, Dropped: func() int64 { return d1.Stats().DroppedQueue }},
	}
}

func BenchmarkServeHTTP(b *testing.B)         { hotbench.ServeHTTP(b, benchRows(b)) }
func BenchmarkServeHTTPParallel(b *testing.B) { hotbench.ServeHTTPParallel(b, benchRows(b)) }

// TestLevel1AddsNoAllocations fails when recording a request starts to
// allocate: the dashboard must add nothing to what the mux itself does.
// In a synctest bubble, so that no background timer fires during the
// count (see TestLevel2AddsNoAllocations).
func TestLevel1AddsNoAllocations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := mustNew(t, benchMux(), Config{Store: discardStore{Store: memStore(t)}, Settings: map[string]string{"QUEUE_SIZE": "100000"},
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
	})
}
