//go:build unix

package dashboard

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// BenchmarkProfilerOverhead measures the CPU the process uses while
// serving a steady rate of requests that each wait 20ms (so that several
// are in flight and sampled), at level 1 and at level 3, side by side. The
// difference is what the profiler (sampler goroutine, labels, slot) costs
// at that rate. Each iteration is one second of traffic:
//
// go test -run '^$' -bench ProfilerOverhead -benchtime 3x -count 5 . | tee prof.txt; benchstat prof.txt
func BenchmarkProfilerOverhead(b *testing.B) {
	for _, rate := range []int{100, 1000} {
		for _, level := range []int{store.LevelTiming, store.LevelProfiler} {
			b.Run(fmt.Sprintf("rps=%d/level%d", rate, level), func(b *testing.B) {
				mux := http.NewServeMux()
				mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
					time.Sleep(20 * time.Millisecond)
					w.Write(body)
				})
				d := mustNew(b, mux, Config{Store: discardStore{Store: memStore(b)}}) // memStore keeps the UI's users
				d.DeclareEndpoint("GET /books/{id}", "GET")
				if err := d.SetLevel(b.Context(), "GET /books/{id}", level); err != nil {
					b.Fatal(err)
				}
				var cpu, wall time.Duration
				var served int
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					c, w, n := pacedLoad(d, rate, time.Second)
					cpu, wall, served = cpu+c, wall+w, served+n
				}
				b.StopTimer()
				b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
				b.ReportMetric(float64(cpu.Microseconds())/float64(served), "cpu-µs/req")
				b.ReportMetric(float64(d.mon.Stats().Samples)/wall.Seconds(), "samples/s")
			})
		}
	}
}

// pacedLoad sends rate requests a second for dur, each in its own
// goroutine as a server would, and returns the process's CPU time and the
// wall time it took.
func pacedLoad(h http.Handler, rate int, dur time.Duration) (cpu, wall time.Duration, n int) {
	r := httptest.NewRequest("GET", "/books/42", nil)
	every := time.Second / time.Duration(rate)
	var wg sync.WaitGroup
	c0, t0 := cpuTime(), time.Now()
	next := t0
	for time.Since(t0) < dur {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.ServeHTTP(&discardWriter{h: http.Header{}}, r)
		}()
		n++
		next = next.Add(every)
		time.Sleep(time.Until(next))
	}
	wg.Wait()
	return cpuTime() - c0, time.Since(t0), n
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
