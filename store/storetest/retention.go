package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// testPruneRequests: rows older than the cutoff go, in batches of at most
// the limit, oldest first; newer rows and the rollups stay.
func testPruneRequests(t *testing.T, s store.Store) {
	ctx := context.Background()
	var reqs []store.Request
	for i := 0; i < 50; i++ {
		r := req("GET /a", i)
		r.Start = base.Add(time.Duration(i) * time.Hour)
		reqs = append(reqs, r)
	}
	write(t, s, &store.Batch{Requests: reqs})
	cutoff := base.Add(30*time.Hour + time.Minute) // rows 0..30 are older
	var batches []int64
	for {
		n, err := s.PruneRequests(ctx, cutoff, 7)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		batches = append(batches, n)
		if len(batches) > 10 {
			t.Fatalf("still deleting after %v", batches)
		}
	}
	// Batches of at most the limit; a store partitioned by day
	// (PostgreSQL) drops the first day's 14 rows, which ended before
	// the cutoff, at once.
	var total int64
	for _, n := range batches {
		total += n
	}
	if total != 31 || (!equal(batches, []int64{7, 7, 7, 7, 3}) && !equal(batches, []int64{14, 7, 7, 3})) {
		t.Errorf("deleted in batches %v, want 7, 7, 7, 7, 3 (or the first day's 14, then 7, 7, 3)", batches)
	}
	left := all(t, s, store.RequestFilter{})
	if len(left) != 19 || !left[0].Start.Equal(base.Add(31*time.Hour)) {
		t.Errorf("%d rows left, the oldest at %v; want 19 from %v", len(left), left[0].Start, base.Add(31*time.Hour))
	}
	rus, err := s.Rollups(ctx, store.RollupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rus) != 50 {
		t.Errorf("%d rollups after pruning raw rows, want all 50", len(rus))
	}
	if _, err := s.PruneRequests(ctx, cutoff, 0); err == nil {
		t.Error("a limit of 0 was accepted")
	}
}

// testPruneRollups: rollups and their histograms of hours before the
// cutoff go; the hour the cutoff falls in stays whole.
func testPruneRollups(t *testing.T, s store.Store) {
	ctx := context.Background()
	var reqs []store.Request
	for i := 0; i < 40; i++ {
		r := req("GET /a", i)
		r.Start = base.Add(time.Duration(i/2)*time.Hour + time.Duration(i%2)*time.Minute)
		r.Duration = time.Duration(1+i%2*100) * time.Millisecond // two buckets per hour
		reqs = append(reqs, r)
	}
	write(t, s, &store.Batch{Requests: reqs})
	// Hours not folded into daily rollups are never pruned: a request ten
	// days on moves the watermark past every hour above.
	later := req("GET /later", 0)
	later.Start = base.Add(10 * 24 * time.Hour)
	write(t, s, &store.Batch{Requests: []store.Request{later}})
	if n, err := s.PruneRollups(ctx, base.Add(20*time.Hour), 5); n != 0 || err != nil {
		t.Fatalf("PruneRollups before folding: %d, %v; want nothing deleted", n, err)
	}
	deriveAll(t, s, later.Start)
	cutoff := base.Add(12*time.Hour + 30*time.Minute) // hours 0..11 go, 12 stays
	var total int64
	for i := 0; ; i++ {
		n, err := s.PruneRollups(ctx, cutoff, 5)
		if err != nil {
			t.Fatal(err)
		}
		if n > 10 {
			t.Fatalf("one call deleted %d rows, want at most 5 rollups and 5 histogram rows", n)
		}
		if n == 0 {
			break
		}
		total += n
		if i > 20 {
			t.Fatal("still deleting")
		}
	}
	if total != 12+24 {
		t.Errorf("deleted %d rows, want 12 rollups and 24 histogram rows", total)
	}
	rus, err := s.Rollups(ctx, store.RollupFilter{Endpoint: "GET /a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rus) != 8 || !rus[0].Hour.Equal(base.Add(12*time.Hour)) {
		t.Fatalf("%d rollups left; want 8 from hour 12", len(rus))
	}
	for _, ru := range rus {
		if ru.Count != 2 || ru.Hist.Count() != 2 {
			t.Errorf("rollup of %v: count %d, histogram %d; want 2 and 2", ru.Hour, ru.Count, ru.Hist.Count())
		}
	}
	if n := len(all(t, s, store.RequestFilter{Endpoint: "GET /a"})); n != 40 {
		t.Errorf("pruning rollups deleted raw rows: %d left", n)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
