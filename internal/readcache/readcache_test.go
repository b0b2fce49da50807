package readcache

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// counting counts the SumRollups that reach the database, and the open
// hour's among them.
type counting struct {
	store.Store
	calls atomic.Int64
}

func (c *counting) SumRollups(ctx context.Context, f store.SumFilter) ([]store.Rollup, error) {
	c.calls.Add(1)
	return c.Store.SumRollups(ctx, f)
}

var t0 = time.Date(2026, 3, 4, 12, 30, 0, 0, time.UTC) // "now": 12:00 is the open hour

func newStore(t *testing.T) (*counting, store.Store) {
	t.Helper()
	st, err := sqlite.OpenFile(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &counting{Store: st}, st
}

func write(t *testing.T, st store.Store, reqs ...store.Request) {
	t.Helper()
	if err := st.Write(context.Background(), &store.Batch{Service: "svc", Instance: "i1", Requests: reqs}); err != nil {
		t.Fatal(err)
	}
}

func rq(ep, ver, inst string, at time.Time, ms int, status int) store.Request {
	return store.Request{Service: "svc", Instance: inst, Endpoint: ep, Method: "GET", Status: status, Start: at,
		Duration: time.Duration(ms) * time.Millisecond, Version: ver}
}

// history writes requests over the last three hours, the open one too.
func history(t *testing.T, st store.Store) {
	for h := -3; h <= 0; h++ {
		at := t0.Add(time.Duration(h) * time.Hour)
		write(t, st,
			rq("GET /a", "v1", "i1", at, 10+h, 200),
			rq("GET /a", "v2", "i2", at.Add(time.Minute), 30, 500),
			rq("GET /b", "v1", "i1", at.Add(2*time.Minute), 5, 404))
	}
}

// The cached answers equal the database's for every grouping and window,
// with histograms, whether the window reaches the open hour or not.
func TestSameAnswers(t *testing.T) {
	c, st := newStore(t)
	history(t, st)
	clock := t0
	cached := Wrap(c, time.Minute, func() time.Time { return clock })
	ctx := context.Background()
	windows := []struct {
		name         string
		since, until time.Time
	}{
		{"all time", time.Time{}, time.Time{}},
		{"last 2 hours", t0.Add(-2 * time.Hour), time.Time{}},
		{"closed hours only", t0.Add(-3 * time.Hour), t0.Add(-time.Hour)},
		{"ends at the open hour", time.Time{}, store.HourOf(t0)},
		{"open hour only", store.HourOf(t0), time.Time{}},
	}
	dims := []store.Dims{store.ByEndpoint, store.ByEndpoint | store.ByVersion, store.ByHour, store.ByInstance | store.ByEndpoint, 0}
	for _, w := range windows {
		for _, by := range dims {
			for _, hist := range []bool{false, true} {
				f := store.SumFilter{Service: "svc", Since: w.since, Until: w.until, By: by, Hist: hist}
				want, err := st.SumRollups(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for round := range 2 { // a miss, then a hit
					got, err := cached.SumRollups(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s, by %b, hist %v, round %d:\n got %+v\nwant %+v", w.name, by, hist, round, got, want)
					}
				}
			}
		}
	}
}

// Closed hours are read once per lifetime; the open hour every time, so
// that a request just recorded shows at once.
func TestOpenHourFresh(t *testing.T) {
	c, st := newStore(t)
	history(t, st)
	clock := t0
	cached := Wrap(c, time.Minute, func() time.Time { return clock })
	ctx := context.Background()
	f := store.SumFilter{Service: "svc", By: store.ByEndpoint}
	count := func() int64 {
		t.Helper()
		rs, err := cached.SumRollups(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, r := range rs {
			n += r.Count
		}
		return n
	}
	if n := count(); n != 12 {
		t.Fatalf("%d requests, want 12", n)
	}
	if got := c.calls.Load(); got != 2 {
		t.Fatalf("first load: %d reads, want 2 (closed hours, open hour)", got)
	}
	write(t, st, rq("GET /c", "v3", "i1", t0.Add(time.Minute), 7, 200)) // a new endpoint, in the open hour
	if n := count(); n != 13 {
		t.Errorf("after a request in the open hour: %d requests, want 13", n)
	}
	if got := c.calls.Load(); got != 3 {
		t.Errorf("second load: %d reads in all, want 3 (the open hour only)", got)
	}

	// A late write into a closed hour is seen once the entry expires.
	write(t, st, rq("GET /a", "v1", "i1", t0.Add(-2*time.Hour), 7, 200))
	if n := count(); n != 13 {
		t.Errorf("within the lifetime: %d requests, want the kept 13", n)
	}
	clock = clock.Add(time.Minute)
	if n := count(); n != 14 {
		t.Errorf("after the lifetime: %d requests, want 14", n)
	}
}

// An hour is closed a minute after it ends, when the recorders have
// written its last rows.
func TestHourClosesAfterGrace(t *testing.T) {
	c, st := newStore(t)
	clock := store.HourOf(t0).Add(30 * time.Second) // 12:00:30
	cached := Wrap(c, time.Hour, func() time.Time { return clock })
	ctx := context.Background()
	f := store.SumFilter{Service: "svc", By: store.ByEndpoint}
	write(t, st, rq("GET /a", "v1", "i1", store.HourOf(t0).Add(-time.Second), 10, 200)) // 11:59:59
	if _, err := cached.SumRollups(ctx, f); err != nil {
		t.Fatal(err)
	}
	// The recorder's last batch of 11:00 arrives at 12:00:40.
	write(t, st, rq("GET /a", "v1", "i1", store.HourOf(t0).Add(-time.Millisecond), 10, 200))
	clock = clock.Add(10 * time.Second)
	rs, err := cached.SumRollups(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Count != 2 {
		t.Errorf("got %+v, want both of 11:59's requests", rs)
	}
}

// Callers may change what they get without changing what is kept.
func TestAnswersAreCopies(t *testing.T) {
	c, st := newStore(t)
	history(t, st)
	cached := Wrap(c, time.Minute, func() time.Time { return t0 })
	ctx := context.Background()
	f := store.SumFilter{Service: "svc", Until: store.HourOf(t0), By: store.ByEndpoint, Hist: true}
	first, err := cached.SumRollups(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	first[0].Count = -1
	for b := range first[0].Hist {
		first[0].Hist[b] = -1
	}
	second, err := cached.SumRollups(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := st.SumRollups(ctx, f)
	if !reflect.DeepEqual(second, want) {
		t.Errorf("a caller's change reached the cache:\n got %+v\nwant %+v", second, want)
	}
}

func TestOffIsTheStore(t *testing.T) {
	c, _ := newStore(t)
	if got := Wrap(c, 0, nil); got != store.Store(c) {
		t.Errorf("Wrap with lifetime 0 = %T, want the store itself", got)
	}
}

// The kept rows stay within maxRows: the soonest to expire go first.
func TestBounded(t *testing.T) {
	c, st := newStore(t)
	history(t, st)
	clock := t0
	s := Wrap(c, time.Hour, func() time.Time { return clock }).(*Store)
	ctx := context.Background()
	for i := range 50 {
		clock = clock.Add(time.Second)
		f := store.SumFilter{Service: "svc", Since: t0.Add(-time.Duration(i+4) * time.Hour), Until: store.HourOf(t0), By: store.ByHour}
		if _, err := s.SumRollups(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	st1 := s.Stats()
	if st1.Entries != 50 || st1.Rows != 150 {
		t.Fatalf("stats %+v, want 50 entries of 3 rows", st1)
	}
	s.mu.Lock()
	s.rows += maxRows - 150 + 1 // as if the cache were full
	for _, e := range s.entries {
		e.counted = true
	}
	s.evict(clock)
	left := len(s.entries)
	s.mu.Unlock()
	if left != 49 {
		t.Errorf("%d entries left after going over maxRows by one row, want 49 (the oldest dropped)", left)
	}
}

// TestMergeKnowsEveryField fails when store.Rollup gains a field, which
// merge must then combine (and this list name).
func TestMergeKnowsEveryField(t *testing.T) {
	known := []string{"Service", "Instance", "Endpoint", "Version", "Hour", "Count", "Errors", "Status", "Sum", "Min", "Max", "Hist", "Last5xx"}
	typ := reflect.TypeFor[store.Rollup]()
	var fields []string
	for i := range typ.NumField() {
		fields = append(fields, typ.Field(i).Name)
	}
	if !reflect.DeepEqual(fields, known) {
		t.Errorf("store.Rollup has fields %v; merge combines %v: teach merge the new ones", fields, known)
	}
}
