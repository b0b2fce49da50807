package dbtest

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/recorder"
)

// BenchWriter measures the rows per second the recorder's writer sustains
// into srv: b.N requests of 50 endpoints, 200 users and 1000 addresses,
// spread over the last hours, written in batches of 1000 with their
// rollups, from the first sample queued to the last one stored. It also
// reports the bytes the tables take per request (run it with
// -benchtime 1000000x for the size of a million).
func BenchWriter(b *testing.B, srv Server) {
	ctx := context.Background()
	s, _ := srv.Open(b)
	eps := make([]string, 50)
	for i := range eps {
		eps[i] = fmt.Sprintf("GET /api/v1/resource%d/{id}", i)
	}
	users := make([]string, 200)
	for i := range users {
		users[i] = fmt.Sprintf("user-%d@example.com", i)
	}
	ips := make([]string, 1000)
	for i := range ips {
		ips[i] = fmt.Sprintf("10.%d.%d.%d", i/65536, i/256%256, i%256)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	samples := make([]recorder.Sample, b.N)
	// One request every 10ms: a million spans 2.8 hours.
	start := time.Now().Add(-time.Duration(b.N) * 10 * time.Millisecond).UnixMicro()
	for i := range samples {
		status := 200
		if rng.IntN(100) == 0 {
			status = 500
		}
		samples[i] = recorder.Sample{
			Endpoint: eps[rng.IntN(len(eps))], Method: "GET", Status: status,
			Start:    start + int64(i)*10_000,
			Duration: time.Duration(rng.ExpFloat64()*20_000) * time.Microsecond,
			Group:    users[rng.IntN(len(users))], IP: ips[rng.IntN(len(ips))],
		}
	}
	rec := recorder.New(s, recorder.Options{Service: "bench", Instance: "bench-1", Version: "v1",
		QueueSize: max(b.N, 1024), BatchSize: 1000, FlushInterval: 100 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	b.ResetTimer()
	for i := range samples {
		if !rec.Add(samples[i]) {
			b.Fatal("queue full")
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	if err := rec.Close(cctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if st := rec.Stats(); st.Written != int64(b.N) || st.FailedWrites != 0 {
		b.Fatalf("%+v, want %d rows written without failures", st, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if srv.Size == nil {
		return
	}
	sizes, err := srv.Size(ctx, s)
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	var parts []string
	for t, n := range sizes {
		total += n
		parts = append(parts, fmt.Sprintf("%s %d", t, n))
	}
	sort.Strings(parts)
	b.ReportMetric(float64(total)/float64(b.N), "B/row")
	if b.N >= 100_000 {
		b.Logf("%s: %d rows take %d bytes: %s", srv.Name, b.N, total, strings.Join(parts, ", "))
	}
}
