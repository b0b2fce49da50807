package dashboard

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// BenchmarkServeHTTPLevels compares the request path at each level, side
// by side in one run, on the route of BenchmarkServeHTTP:
//
//	level1          every request recorded, no endpoint watched
//	level1-watched  a level-1 request while another endpoint is at level 2:
//	                the endpoint is looked up before the handler (a second
//	                ServeMux match)
//	level2          watched for outliers, none found (slot, labels, average)
//	level3          level 2 plus the profiler's labels; the sampler
//	                goroutine runs every 10ms beside the benchmark
//
// go test -run '^$' -bench 'ServeHTTPLevels' -benchmem -count 10 . | tee levels.txt; benchstat levels.txt
//
// The floor of the outlier threshold is an hour here, so that a request the
// loaded machine holds up is not captured: the figures are those of
// requests that are not outliers.
func BenchmarkServeHTTPLevels(b *testing.B) {
	at := func(level int, others ...string) func(*testing.B) *Dashboard {
		return func(b *testing.B) *Dashboard {
			d := mustNew(b, benchMux(), Config{Store: discardStore{Store: memStore(b)}, Settings: map[string]string{"OUTLIER_MIN_DURATION": "1h"}})
			levels := map[string]int{"GET /books/{id}": level}
			for _, o := range others {
				levels[o] = store.LevelOutliers
			}
			for name, l := range levels {
				d.DeclareEndpoint(name, "GET")
				if err := d.SetLevel(b.Context(), name, l); err != nil {
					b.Fatal(err)
				}
			}
			return d
		}
	}
	cases := []struct {
		name string
		d    func(*testing.B) *Dashboard
	}{
		{"level1", at(1)},
		{"level1-watched", at(1, "GET /other")},
		{"level2", at(2)},
		{"level3", at(3)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			d := c.d(b)
			w := &discardWriter{h: http.Header{}}
			r := httptest.NewRequest("GET", "/books/42", nil)
			before := d.Stats().DroppedQueue
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d.ServeHTTP(w, r)
			}
			b.StopTimer()
			b.ReportMetric(float64(d.Stats().DroppedQueue-before)/float64(b.N), "dropped/op")
			if st := d.mon.Stats(); st.Captured+st.Skipped != 0 {
				b.Fatalf("%d outliers in a benchmark of fast requests", st.Captured+st.Skipped)
			}
			b.ReportMetric(float64(d.mon.Stats().Samples)/float64(b.N), "samples/op")
		})
	}
}

// TestLevel2AddsNoAllocations fails when watching a request for outliers
// (or marking it for the profiler) starts to allocate on the request path.
// testing.AllocsPerRun counts the whole process's allocations, so the
// profiler samples once a second here: its own cost is what
// BenchmarkProfilerOverhead measures.
//
// It runs in a synctest bubble: the clock stands still while the requests
// are served, so no background timer (the recorder's flush, the
// watchdog's scan, the level refresh) fires during the count. On the wall
// clock a loaded machine stretched the count over a flush, whose batch's
// allocations were counted against the request path.
func TestLevel2AddsNoAllocations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, level := range []int{store.LevelOutliers, store.LevelProfiler} {
			d := mustNew(t, benchMux(), Config{Store: discardStore{Store: memStore(t)}, Settings: map[string]string{"QUEUE_SIZE": "100000", "SAMPLING_PERIOD": "1s"}})
			d.DeclareEndpoint("GET /books/{id}", "GET")
			if err := d.SetLevel(t.Context(), "GET /books/{id}", level); err != nil {
				t.Fatal(err)
			}
			w := &discardWriter{h: http.Header{}}
			r := httptest.NewRequest("GET", "/books/42", nil)
			bare := benchMux()
			base := testing.AllocsPerRun(1000, func() { bare.ServeHTTP(w, r) })
			ours := testing.AllocsPerRun(1000, func() { d.ServeHTTP(w, r) })
			if ours > base {
				t.Errorf("level %d allocates %.1f times per request, the bare mux %.1f", level, ours, base)
			}
			if d.Stats().DroppedQueue != 0 {
				t.Fatal("samples were dropped; the test did not measure the recording path")
			}
		}
	})
}
