package storetest

import (
	"context"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// testSampledRows writes requests of which some are sampled out
// (RAW_SAMPLE_RATE): they count in the rollups, the per-user groups and
// the endpoint's last request time, and have no raw row.
func testSampledRows(t *testing.T, s store.Store) {
	var reqs []store.Request
	kept := 0
	for i := range 30 {
		r := req("GET /s", i)
		if i%3 != 0 {
			r.NoRaw = true
		} else {
			kept++
		}
		reqs = append(reqs, r)
	}
	reqs[len(reqs)-1].NoRaw = true // the last request has no raw row
	write(t, s, &store.Batch{Service: "svc", Instance: "host-1", Requests: reqs})

	rows := all(t, s, store.RequestFilter{Service: "svc"})
	if len(rows) != kept {
		t.Errorf("%d raw rows, want the %d not sampled out", len(rows), kept)
	}
	for _, r := range rows {
		if r.NoRaw {
			t.Errorf("row %d read back with NoRaw set", r.ID)
		}
	}
	sums, err := s.SumRollups(context.Background(), store.SumFilter{Service: "svc", By: store.ByEndpoint, Hist: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].Count != 30 || sums[0].Hist.Count() != 30 {
		t.Errorf("rollups %+v, want every one of the 30 requests", sums)
	}
	cs, err := s.Counters(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	var out int64
	for _, c := range cs {
		if c.Name == store.CounterRawSampledOut {
			out += c.Value
		}
	}
	if out != int64(30-kept) {
		t.Errorf("counter %s = %d, want %d", store.CounterRawSampledOut, out, 30-kept)
	}
	e := endpoint(t, s, "svc", "GET /s")
	if last := reqs[len(reqs)-1].Start; !e.LastRequested.Equal(last) {
		t.Errorf("last requested %v, want %v (a request without a raw row)", e.LastRequested, last)
	}
}
