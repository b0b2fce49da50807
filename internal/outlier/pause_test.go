package outlier

import (
	"bytes"
	"runtime"
	"runtime/metrics"
	"testing"
)

// BenchmarkGoroutineProfile compares, with 10,000 parked goroutines, the
// two ways to read every goroutine's stack: the goroutine profile a
// capture uses, and runtime.Stack(all). pause-µs is the longest
// stop-the-world pause outside the GC seen during the run
// (/sched/pauses/total/other:seconds, upper bucket bound).
//
// go test -run '^$' -bench GoroutineProfile -count 5 ./internal/outlier
func BenchmarkGoroutineProfile(b *testing.B) {
	stop := make(chan struct{})
	for i := 0; i < 10000; i++ {
		go func() { <-stop }()
	}
	defer close(stop)
	cases := []struct {
		name string
		fn   func(*bytes.Buffer)
	}{
		{"profile", func(buf *bytes.Buffer) {
			if _, err := goroutines(buf, "x"); err != nil {
				b.Fatal(err)
			}
		}},
		{"runtime.Stack(all)", func(buf *bytes.Buffer) {
			big := make([]byte, 64<<20)
			runtime.Stack(big, true)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var buf bytes.Buffer
			before := pauses()
			for i := 0; i < b.N; i++ {
				c.fn(&buf)
			}
			b.ReportMetric(maxNewPause(before, pauses())*1e6, "pause-µs")
		})
	}
}

func pauses() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: "/sched/pauses/total/other:seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64Histogram()
}

// maxNewPause returns the upper bound of the highest bucket that gained
// counts between two readings.
func maxNewPause(a, b *metrics.Float64Histogram) float64 {
	for i := len(b.Counts) - 1; i >= 0; i-- {
		if b.Counts[i] > a.Counts[i] {
			return b.Buckets[i+1]
		}
	}
	return 0
}
