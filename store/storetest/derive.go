package storetest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// deriveAll folds every day that is ready at now and returns how many.
func deriveAll(t testing.TB, s store.Store, now time.Time) int {
	t.Helper()
	n := 0
	for {
		ok, err := s.DeriveDay(context.Background(), now)
		if err != nil {
			t.Fatalf("DeriveDay: %v", err)
		}
		if !ok {
			return n
		}
		if n++; n > 1000 {
			t.Fatal("DeriveDay never ends")
		}
	}
}

func checkSums(t *testing.T, s store.Store, reqs []store.Request, name string, f store.SumFilter) {
	t.Helper()
	got, err := s.SumRollups(context.Background(), f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want := wantSums(reqs, f)
	if len(got) != len(want) {
		t.Errorf("%s: %d sums, want %d", name, len(got), len(want))
		return
	}
	for i := range want {
		if msg := sameRollup(got[i], want[i]); msg != "" {
			t.Errorf("%s: sum %d: %s", name, i, msg)
		}
	}
}

// derivedCases are windows that the daily rollups and the totals serve,
// with edges of hours: local midnights of zones whose offset is not whole
// hours, an open start or end.
func derivedCases() []struct {
	name string
	f    store.SumFilter
} {
	kolkata := time.FixedZone("+05:30", 5*3600+1800)
	day0 := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	var out []struct {
		name string
		f    store.SumFilter
	}
	add := func(name string, f store.SumFilter) {
		out = append(out, struct {
			name string
			f    store.SumFilter
		}{name, f})
	}
	for _, by := range []store.Dims{0, store.ByEndpoint, store.ByVersion, store.ByEndpoint | store.ByVersion, store.ByDay, store.ByEndpoint | store.ByDay | store.ByInstance} {
		b := fmt.Sprintf(" by %d", by)
		add("all time"+b, store.SumFilter{Service: "svc", By: by, Hist: true})
		add("UTC days"+b, store.SumFilter{Service: "svc", Since: day0, Until: day0.Add(48 * time.Hour), By: by, Hist: true})
		add("local days +05:30"+b, store.SumFilter{Service: "svc", By: by, Hist: true,
			Since: time.Date(2026, 3, 4, 0, 0, 0, 0, kolkata), Until: time.Date(2026, 3, 6, 0, 0, 0, 0, kolkata)})
		add("since a local midnight"+b, store.SumFilter{Service: "svc", By: by, Since: time.Date(2026, 3, 5, 0, 0, 0, 0, kolkata)})
		add("until a local midnight"+b, store.SumFilter{Service: "svc", By: by, Hist: true, Until: time.Date(2026, 3, 5, 0, 0, 0, 0, kolkata)})
		add("minutes into hours"+b, store.SumFilter{Service: "svc", By: by, Since: day0.Add(7*time.Hour + 13*time.Minute), Until: day0.Add(50*time.Hour + time.Minute)})
	}
	add("one endpoint all time", store.SumFilter{Service: "svc", Endpoint: "GET /b", By: store.ByVersion, Hist: true})
	add("one endpoint of every service", store.SumFilter{Endpoint: "GET /a", By: store.ByEndpoint, Hist: true})
	add("other service", store.SumFilter{Service: "other", By: store.ByEndpoint | store.ByVersion, Hist: true})
	return out
}

// testSumRollupsDerived: once days are folded, SumRollups gives what it
// gave from the hourly rollups alone, for every window; with the hourly
// rollups pruned, whole days and all time still come out right, from the
// daily rollups and the totals.
func testSumRollupsDerived(t *testing.T, s store.Store) {
	ctx := context.Background()
	reqs := queryData(t, s) // 2026-03-04 10:00 to 2026-03-06 02:00
	now := base.Add(10 * 24 * time.Hour)
	if n := deriveAll(t, s, now); n != 3 {
		t.Errorf("folded %d days, want 3", n)
	}
	if n := deriveAll(t, s, now); n != 0 {
		t.Errorf("folded %d days again", n)
	}
	if n, err := s.RederiveTouched(ctx); n != 0 || err != nil {
		t.Errorf("RederiveTouched: %d, %v; want nothing to do", n, err)
	}
	for _, c := range derivedCases() {
		checkSums(t, s, reqs, c.name, c.f)
	}
	// The hourly cases of testSumRollups still read hours.
	checkSums(t, s, reqs, "by hour", store.SumFilter{Service: "svc", By: store.ByHour | store.ByVersion, Hist: true})
	checkSums(t, s, reqs, "by instance", store.SumFilter{Service: "svc", By: store.ByInstance, Hist: true})
	checkSums(t, s, reqs, "days by instance", store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByInstance, Hist: true,
		Since: time.Date(2026, 3, 4, 0, 0, 0, 0, time.FixedZone("+05:30", 5*3600+1800)), Until: base.Add(30 * time.Hour)})

	// Without the hourly rollups, what whole UTC days make up is the same.
	for {
		n, err := s.PruneRollups(ctx, now, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if rus, _ := s.Rollups(ctx, store.RollupFilter{}); len(rus) != 0 {
		t.Fatalf("%d hourly rollups left", len(rus))
	}
	day0 := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	checkSums(t, s, reqs, "days by instance from daily", store.SumFilter{Service: "svc", Since: day0.Add(24 * time.Hour), By: store.ByInstance | store.ByVersion, Hist: true})
	for _, by := range []store.Dims{0, store.ByEndpoint, store.ByVersion, store.ByEndpoint | store.ByVersion} {
		checkSums(t, s, reqs, fmt.Sprintf("all time from totals by %d", by), store.SumFilter{Service: "svc", By: by, Hist: true})
		checkSums(t, s, reqs, fmt.Sprintf("days from daily by %d", by), store.SumFilter{Service: "svc", Since: day0.Add(24 * time.Hour), Until: day0.Add(72 * time.Hour), By: by, Hist: true})
	}
	checkSums(t, s, reqs, "each day from daily", store.SumFilter{Service: "svc", By: store.ByDay | store.ByEndpoint, Hist: true})
	// Daily rollups go with their own retention; totals stay.
	for {
		n, err := s.PruneDaily(ctx, now, 2)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if n > 2 {
			t.Fatalf("PruneDaily deleted %d rows, want at most 2", n)
		}
	}
	got, err := s.SumRollups(ctx, store.SumFilter{Service: "svc", Since: day0, Until: day0.Add(72 * time.Hour)})
	if err != nil || len(got) != 0 {
		t.Errorf("days after pruning daily rollups: %+v, %v; want nothing", got, err)
	}
	checkSums(t, s, reqs, "all time after pruning days", store.SumFilter{Service: "svc", By: store.ByEndpoint, Hist: true})
}

// testDeriveLateRows: hourly rollups written into a day already folded
// (a slow writer, or an instance of an older release, which writes
// hourly rollups only) count in the hourly figures at once, and in the
// daily ones and the totals once RederiveTouched has folded the day
// again, if the day is one of store.RecheckDays before the watermark.
// Older days keep their daily rollups.
func testDeriveLateRows(t *testing.T, s store.Store) {
	ctx := context.Background()
	day0 := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	var reqs []store.Request
	for i := range 240 {
		r := req([]string{"GET /a", "GET /b"}[i%2], i)
		r.Start = day0.Add(time.Duration(i) * 30 * time.Minute) // five days
		if i%11 == 0 {
			r.Status = 502
		}
		reqs = append(reqs, r)
	}
	write(t, s, &store.Batch{Requests: reqs})
	// Day 4 (2026-03-08) is over at 03-09 00:00, ready an hour later.
	if n := deriveAll(t, s, day0.Add(5*24*time.Hour+59*time.Minute)); n != 4 {
		t.Fatalf("folded %d days before the grace period of the fifth ended, want 4", n)
	}
	if n := deriveAll(t, s, day0.Add(5*24*time.Hour+time.Hour)); n != 1 {
		t.Fatalf("folded %d days once it ended, want 1", n)
	}
	all := store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByVersion, Hist: true}
	checkSums(t, s, reqs, "before late rows", all)

	// Late rows in the last two folded days (one for a version and an
	// endpoint never seen), and in an older one.
	late := []store.Request{req("GET /a", 1), req("GET /new", 2), req("GET /b", 3)}
	late[0].Start, late[0].Status = day0.Add(4*24*time.Hour+5*time.Hour), 503
	late[1].Start, late[1].Version = day0.Add(3*24*time.Hour+23*time.Hour+59*time.Minute), "v-old"
	late[2].Start = day0.Add(24*time.Hour + 2*time.Hour)
	write(t, s, &store.Batch{Requests: late})
	withLate := append(slices.Clone(reqs), late...)
	checkSums(t, s, withLate, "late rows by hour", store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByHour, Hist: true})
	n, err := s.RederiveTouched(ctx)
	if err != nil || n != 2 {
		t.Fatalf("RederiveTouched: %d, %v; want the 2 recent days", n, err)
	}
	if n, err := s.RederiveTouched(ctx); n != 0 || err != nil {
		t.Errorf("RederiveTouched again: %d, %v; want nothing", n, err)
	}
	// All but the old day's late row, which stays in the hourly rollups.
	recent := append(slices.Clone(reqs), late[:2]...)
	checkSums(t, s, recent, "all time after folding again", all)
	checkSums(t, s, recent, "last two days after folding again", store.SumFilter{Service: "svc", Since: day0.Add(3 * 24 * time.Hour), Until: day0.Add(5 * 24 * time.Hour), By: store.ByEndpoint, Hist: true})
	checkSums(t, s, withLate, "hours of the old day", store.SumFilter{Service: "svc", Since: day0.Add(24 * time.Hour), Until: day0.Add(48 * time.Hour), By: store.ByHour})
}

// testDeriveConcurrently: instances folding days at once fold each day
// once.
func testDeriveConcurrently(t *testing.T, s store.Store) {
	reqs := queryData(t, s)
	now := base.Add(10 * 24 * time.Hour)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				ok, err := s.DeriveDay(context.Background(), now)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := s.RederiveTouched(context.Background()); err != nil {
					t.Error(err)
					return
				}
				if !ok {
					return
				}
			}
		})
	}
	wg.Wait()
	checkSums(t, s, reqs, "all time", store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByVersion, Hist: true})
	checkSums(t, s, reqs, "days", store.SumFilter{Service: "svc", Since: base.Add(14 * time.Hour), By: store.ByEndpoint, Hist: true})
}

// testRollupsMatchRawRows is a property test: on random requests, the
// figures read from the hourly rollups, the daily ones and the totals
// equal those computed from the raw rows, counts exactly and percentiles
// within 2%, for random windows and groupings.
func testRollupsMatchRawRows(t *testing.T, s store.Store) {
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	const days = 6
	eps := []string{"GET /a", "GET /b", "POST /c", "GET /d"}
	var reqs []store.Request
	for range 3000 {
		// Log-normal durations from tens of microseconds to seconds.
		d := time.Duration(math.Exp(rng.NormFloat64()*1.5+8)) * time.Microsecond
		st := 200
		switch x := rng.IntN(100); {
		case x < 3:
			st = 500 + rng.IntN(5)
		case x < 10:
			st = 404
		case x < 12:
			st = 302
		}
		reqs = append(reqs, store.Request{Service: "svc", Instance: fmt.Sprintf("i%d", rng.IntN(3)), Endpoint: eps[rng.IntN(len(eps))],
			Method: "GET", Status: st, Start: start.Add(time.Duration(rng.Int64N(int64(days * 24 * time.Hour)))), Duration: d,
			Version: fmt.Sprintf("v%d", rng.IntN(3)), Group: "u", IP: "ip"})
	}
	for i := 0; i < len(reqs); i += 400 {
		write(t, s, &store.Batch{Requests: reqs[i:min(i+400, len(reqs))]})
	}
	deriveAll(t, s, start.Add((days+1)*24*time.Hour+store.DeriveGrace))
	// Durations as stored, to the microsecond.
	for i := range reqs {
		reqs[i].Duration = reqs[i].Duration.Truncate(time.Microsecond)
	}
	dims := []store.Dims{0, store.ByEndpoint, store.ByVersion, store.ByEndpoint | store.ByVersion, store.ByHour, store.ByEndpoint | store.ByInstance, store.ByDay}
	for i := range 40 {
		f := store.SumFilter{Service: "svc", By: dims[rng.IntN(len(dims))], Hist: true}
		if rng.IntN(4) > 0 {
			f.Since = start.Add(time.Duration(rng.Int64N(int64(days * 24 * time.Hour))))
		}
		if rng.IntN(4) > 0 {
			f.Until = f.Since.Add(time.Duration(rng.Int64N(int64(days * 24 * time.Hour))))
			if f.Since.IsZero() {
				f.Until = start.Add(time.Duration(rng.Int64N(int64(days * 24 * time.Hour))))
			}
		}
		if rng.IntN(3) == 0 {
			f.Endpoint = eps[rng.IntN(len(eps))]
		}
		name := fmt.Sprintf("case %d: %+v", i, f)
		got, err := s.SumRollups(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want := wantSums(reqs, f)
		if len(got) != len(want) {
			t.Errorf("%s: %d groups, want %d", name, len(got), len(want))
			continue
		}
		for j := range want {
			g, w := got[j], want[j]
			if g.Count != w.Count || g.Errors != w.Errors || g.Status != w.Status || g.Sum != w.Sum || g.Min != w.Min || g.Max != w.Max || !g.Last5xx.Equal(w.Last5xx) {
				t.Errorf("%s: group %d: %s", name, j, sameRollup(g, w))
				continue
			}
			raw := rawDurations(reqs, f, w)
			qs := []float64{0.5, 0.9, 0.95, 0.99}
			for k, q := range g.Hist.Quantiles(g.Min, g.Max, qs...) {
				exact := raw[max(0, int(math.Ceil(qs[k]*float64(len(raw))))-1)]
				if math.Abs(float64(q-exact)) > 0.02*float64(exact) {
					t.Errorf("%s: group %d: p%v %v, from raw rows %v: more than 2%% apart", name, j, qs[k]*100, q, exact)
				}
			}
		}
	}
}

// rawDurations returns the sorted durations of the requests in group w of
// f.
func rawDurations(reqs []store.Request, f store.SumFilter, w store.Rollup) []time.Duration {
	var out []time.Duration
	for _, r := range reqs {
		h := store.HourOf(r.Start)
		if (f.Endpoint != "" && r.Endpoint != f.Endpoint) || (!f.Since.IsZero() && h.Before(f.Since)) || (!f.Until.IsZero() && !h.Before(f.Until)) {
			continue
		}
		if (f.By&store.ByEndpoint != 0 && r.Endpoint != w.Endpoint) || (f.By&store.ByVersion != 0 && r.Version != w.Version) ||
			(f.By&store.ByHour != 0 && !h.Equal(w.Hour)) || (f.By&store.ByInstance != 0 && r.Instance != w.Instance) ||
			(f.By&store.ByDay != 0 && f.By&store.ByHour == 0 && !h.Truncate(24*time.Hour).Equal(w.Hour)) {
			continue
		}
		out = append(out, r.Duration)
	}
	slices.Sort(out)
	return out
}

// testRequestsSinceOutOfOrder: rows are written out of time order (a
// slow request ends, and is written, after faster ones that started
// later; an instance catches up after an outage), so ids do not follow
// start times. A since bound, alone or with an endpoint and a cursor,
// still selects exactly the rows that started at or after it.
func testRequestsSinceOutOfOrder(t *testing.T, s store.Store) {
	day0 := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	var reqs []store.Request
	for i := range 300 {
		r := req([]string{"GET /a", "GET /b", "GET /c"}[i%3], i)
		r.Start = day0.Add(time.Duration(i) * 7 * time.Minute)
		reqs = append(reqs, r)
	}
	// Newest hours first, then the oldest, then the middle, each batch
	// itself reversed.
	order := [][2]int{{200, 300}, {0, 100}, {100, 200}}
	for _, o := range order {
		batch := slices.Clone(reqs[o[0]:o[1]])
		slices.Reverse(batch)
		write(t, s, &store.Batch{Requests: batch})
	}
	for _, since := range []time.Time{day0.Add(5 * time.Hour), day0.Add(13*time.Hour + 59*time.Minute), day0.Add(30 * time.Hour), day0.Add(-time.Hour)} {
		for _, ep := range []string{"", "GET /b"} {
			want := 0
			for _, r := range reqs {
				if !r.Start.Before(since) && (ep == "" || r.Endpoint == ep) {
					want++
				}
			}
			var got []store.Request
			var after int64
			for {
				page := all(t, s, store.RequestFilter{Service: "svc", Endpoint: ep, Since: since, AfterID: after, Limit: 17})
				got = append(got, page...)
				if len(page) < 17 {
					break
				}
				after = page[len(page)-1].ID
			}
			if len(got) != want {
				t.Errorf("since %v, endpoint %q: %d rows, want %d", since, ep, len(got), want)
			}
			for i, r := range got {
				if r.Start.Before(since) || (ep != "" && r.Endpoint != ep) || (i > 0 && r.ID <= got[i-1].ID) {
					t.Errorf("since %v, endpoint %q: row %d %+v is out of place", since, ep, i, r)
					break
				}
			}
		}
	}
}
