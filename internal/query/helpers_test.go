package query

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

const svc = "shop"

// newStore returns an empty in-memory store.
func newStore(tb testing.TB) store.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// rq builds a request of the test service.
func rq(ep, version string, start time.Time, durMs float64, status int, group, ip string) store.Request {
	return store.Request{
		Service: svc, Instance: "host", Endpoint: ep, Method: "GET", Status: status, Start: start,
		Duration: time.Duration(durMs * float64(time.Millisecond)), Version: version, Group: group, IP: ip,
	}
}

// mustWrite writes requests (and declared versions) in one batch.
func mustWrite(tb testing.TB, s store.Store, reqs []store.Request, vers ...store.Version) {
	tb.Helper()
	for i := range vers {
		vers[i].Service = svc
	}
	if err := s.Write(context.Background(), &store.Batch{Service: svc, Instance: "host", Requests: reqs, Versions: vers}); err != nil {
		tb.Fatal(err)
	}
}

func mustLoad(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// near reports whether got is within 2% of want, the histograms' promise.
func near(got, want float64) bool {
	if want == 0 {
		return got == 0
	}
	return math.Abs(got-want)/want <= 0.02
}

// series1to100 returns requests taking 1, 2, ... 100 ms, a minute apart.
func series1to100(ep, version string, start time.Time, group string) []store.Request {
	var out []store.Request
	for i := 1; i <= 100; i++ {
		out = append(out, rq(ep, version, start.Add(time.Duration(i)*time.Minute), float64(i), 200, group, "10.0.0.1"))
	}
	return out
}

// cells returns the non-zero cells of a heatmap as "day hour" -> count.
func cells(h *Heatmap) map[[2]string]float64 {
	out := map[[2]string]float64{}
	for r, row := range h.Values {
		for c, v := range row {
			if v != 0 {
				out[[2]string{h.Columns[c], h.Rows[r]}] = v
			}
		}
	}
	return out
}
