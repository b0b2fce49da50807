package storetest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// groupTruth is what the raw rows say of one name in a window.
type groupTruth struct {
	exact    []time.Duration // requests on days the name had exact rollups
	vers     map[string]int64
	overflow int64 // requests on days it did not
	overSum  time.Duration
}

// testGroupsAgreeWithRows writes random requests (skewed users and
// addresses, several days, two instances, two versions) with a small
// GroupLimit and checks Groups against the raw rows: the names that were
// among the first GroupLimit of their endpoint's day have exact counts,
// sums, extremes and per-version counts, and percentiles within 2%; every
// other name's requests are within the summaries' stated bounds.
func testGroupsAgreeWithRows(t *testing.T, s store.Store) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			testGroupsSeed(t, s, seed, fmt.Sprint("grp", seed))
		})
	}
}

func testGroupsSeed(t *testing.T, s store.Store, seed uint64, service string) {
	const limit = 6
	rng := rand.New(rand.NewPCG(seed, 7))
	users := rand.NewZipf(rng, 1.3, 2, 80)
	ips := rand.NewZipf(rng, 1.1, 3, 40)
	eps := []string{"GET /a", "GET /b"}
	start := base.Add(-5 * time.Hour) // the first day's end
	type akey struct {
		ep   string
		kind store.GroupKind
		day  time.Time
	}
	admitted := map[akey]map[string]bool{}
	var all []store.Request
	for b := 0; b < 40; b++ {
		inst := fmt.Sprint("host-", b%2)
		var reqs []store.Request
		for i := 0; i < 60; i++ {
			at := start.Add(time.Duration(b*60+i) * 90 * time.Second)
			r := store.Request{Service: service, Instance: inst, Endpoint: eps[rng.IntN(2)], Method: "GET", Status: 200,
				Start:    at,
				Duration: time.Duration(math.Exp(rng.Float64()*9)*100) * time.Microsecond,
				Version:  []string{"v1", "v2"}[min(1, b/25)],
				Group:    fmt.Sprint("user-", users.Uint64()), IP: fmt.Sprint("10.0.0.", ips.Uint64())}
			if rng.IntN(10) == 0 {
				r.Group = "" // no user
			}
			reqs = append(reqs, r)
		}
		// Which names the store must make exact: per endpoint, kind and
		// day, the batch's new names in byte order while there is room.
		batchNames := map[akey][]string{}
		for _, r := range reqs {
			for _, g := range []struct {
				kind store.GroupKind
				name string
			}{{store.GroupUser, r.Group}, {store.GroupIP, r.IP}} {
				k := akey{r.Endpoint, g.kind, store.DayOf(r.Start)}
				batchNames[k] = append(batchNames[k], g.name)
			}
		}
		for k, names := range batchNames {
			slices.Sort(names)
			if admitted[k] == nil {
				admitted[k] = map[string]bool{}
			}
			for _, n := range slices.Compact(names) {
				if !admitted[k][n] && len(admitted[k]) < limit {
					admitted[k][n] = true
				}
			}
		}
		write(t, s, &store.Batch{Service: service, Instance: inst, Requests: reqs, GroupLimit: limit})
		all = append(all, reqs...)
	}

	days := []time.Time{store.DayOf(start), store.DayOf(start).Add(24 * time.Hour), store.DayOf(start).Add(48 * time.Hour)}
	windows := []struct {
		name         string
		since, until time.Time
	}{
		{"all days", time.Time{}, time.Time{}},
		{"second day", days[1], days[2]},
		{"from the second day", days[1], time.Time{}},
	}
	for _, ep := range eps {
		for _, kind := range []store.GroupKind{store.GroupUser, store.GroupIP} {
			for _, w := range windows {
				t.Run(fmt.Sprintf("%s kind %d %s", ep, kind, w.name), func(t *testing.T) {
					truth := map[string]*groupTruth{}
					var overflow int64
					for _, r := range all {
						d := store.DayOf(r.Start)
						if r.Endpoint != ep || (!w.since.IsZero() && d.Before(w.since)) || (!w.until.IsZero() && !d.Before(w.until)) {
							continue
						}
						name := r.Group
						if kind == store.GroupIP {
							name = r.IP
						}
						g := truth[name]
						if g == nil {
							g = &groupTruth{vers: map[string]int64{}}
							truth[name] = g
						}
						if admitted[akey{ep, kind, d}][name] {
							g.exact = append(g.exact, r.Duration)
							g.vers[r.Version]++
						} else {
							g.overflow++
							g.overSum += r.Duration
							overflow++
						}
					}
					got, err := s.Groups(context.Background(), store.GroupFilter{Service: service, Endpoint: ep, Kind: kind, Since: w.since, Until: w.until})
					if err != nil {
						t.Fatal(err)
					}
					checkExact(t, got, truth)
					checkEstimates(t, got, truth, overflow, limit)
				})
			}
		}
	}
}

func checkExact(t *testing.T, got *store.Groups, truth map[string]*groupTruth) {
	t.Helper()
	seen := map[string]bool{}
	for _, g := range got.Exact {
		seen[g.Name] = true
		tr := truth[g.Name]
		if tr == nil || len(tr.exact) == 0 {
			t.Errorf("%q has exact figures, but was never among the first names of a day", g.Name)
			continue
		}
		ds := slices.Clone(tr.exact)
		slices.Sort(ds)
		var sum time.Duration
		for _, d := range ds {
			sum += d.Truncate(time.Microsecond)
		}
		if g.Count != int64(len(ds)) || g.Sum != sum || g.Min != ds[0].Truncate(time.Microsecond) || g.Max != ds[len(ds)-1].Truncate(time.Microsecond) {
			t.Errorf("%q: count %d sum %v min %v max %v; raw rows: %d, %v, %v, %v", g.Name, g.Count, g.Sum, g.Min, g.Max,
				len(ds), sum, ds[0], ds[len(ds)-1])
		}
		if n := g.Hist.Count(); n != g.Count {
			t.Errorf("%q: histogram holds %d requests, want %d", g.Name, n, g.Count)
		}
		for _, q := range []float64{0.5, 0.95} {
			want := ds[min(len(ds), max(1, int(math.Ceil(q*float64(len(ds))))))-1]
			p := g.Hist.Quantiles(g.Min, g.Max, q)[0]
			if math.Abs(float64(p-want)) > 0.02*float64(want)+float64(time.Microsecond) {
				t.Errorf("%q: p%.0f %v, raw rows %v: more than 2%% apart", g.Name, q*100, p, want)
			}
		}
		var vn int64
		for _, v := range g.Versions {
			if v.Count != tr.vers[v.Version] {
				t.Errorf("%q version %q: %d requests, want %d", g.Name, v.Version, v.Count, tr.vers[v.Version])
			}
			vn += v.Count
		}
		if vn != g.Count {
			t.Errorf("%q: versions add up to %d, want %d", g.Name, vn, g.Count)
		}
	}
	for name, tr := range truth {
		if len(tr.exact) > 0 && !seen[name] {
			t.Errorf("%q: %d exact requests missing", name, len(tr.exact))
		}
	}
}

func checkEstimates(t *testing.T, got *store.Groups, truth map[string]*groupTruth, overflow int64, limit int) {
	t.Helper()
	if got.Summarized != overflow {
		t.Errorf("summaries counted %d requests, want %d", got.Summarized, overflow)
	}
	if overflow == 0 {
		if len(got.Estimated) > 0 || got.Bound != 0 {
			t.Errorf("estimates %v (bound %d) without requests beyond the limit", got.Estimated, got.Bound)
		}
		return
	}
	if got.Slots != limit {
		t.Errorf("summaries of %d counters, want %d", got.Slots, limit)
	}
	if got.Bound*int64(got.Slots) > got.Summarized {
		t.Errorf("bound %d is more than N/k = %d/%d", got.Bound, got.Summarized, got.Slots)
	}
	listed := map[string]bool{}
	for _, e := range got.Estimated {
		listed[e.Name] = true
		var f int64
		var sum time.Duration
		if tr := truth[e.Name]; tr != nil {
			f, sum = tr.overflow, tr.overSum
		}
		if e.Count-e.Err > f || f > e.Count {
			t.Errorf("%q: estimate %d ± %d, true %d", e.Name, e.Count, e.Err, f)
		}
		if e.Err < 0 || e.Err > got.Bound {
			t.Errorf("%q: error %d outside [0, bound %d]", e.Name, e.Err, got.Bound)
		}
		if e.Sum < 0 || e.Sum > sum+time.Duration(e.Count)*time.Microsecond {
			t.Errorf("%q: summed %v, more than its %v beyond the limit", e.Name, e.Sum, sum)
		}
	}
	for name, tr := range truth {
		if !listed[name] && tr.overflow > got.Bound {
			t.Errorf("%q: %d requests beyond the limit, more than the bound %d, but not estimated", name, tr.overflow, got.Bound)
		}
	}
}
