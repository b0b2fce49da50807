package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// queryData writes requests of two services, three endpoints, three
// versions and two instances over about 40 hours, in several batches, and
// returns them.
func queryData(t *testing.T, s store.Store) []store.Request {
	t.Helper()
	var reqs []store.Request
	eps := []string{"GET /a", "GET /b", "POST /c"}
	for i := 0; i < 600; i++ {
		r := store.Request{
			Service: "svc", Instance: fmt.Sprintf("host-%d", i%2), Endpoint: eps[i%3], Method: "GET",
			Status:   []int{200, 200, 201, 404, 500, 503, 302, 200, 99}[i%9],
			Start:    base.Add(time.Duration(i) * 241 * time.Second),
			Duration: time.Duration(200+(i*7919)%50000) * time.Microsecond,
			Version:  []string{"v1", "v2", "v3"}[i*3/600], Group: fmt.Sprintf("user-%d", i%5), IP: fmt.Sprintf("10.0.0.%d", i%4),
		}
		if i%50 == 0 {
			r.Service = "other"
		}
		reqs = append(reqs, r)
	}
	// Reversed batches: rollups of one hour are added to by several writes.
	for i := len(reqs); i > 0; i -= 90 {
		write(t, s, &store.Batch{Requests: reqs[max(0, i-90):i]})
	}
	return reqs
}

// wantSums folds requests into the sums SumRollups must return.
func wantSums(reqs []store.Request, f store.SumFilter) []store.Rollup {
	var sel []store.Request
	last5xx := map[[4]string]time.Time{}
	for _, r := range reqs {
		h := store.HourOf(r.Start)
		if (f.Service != "" && r.Service != f.Service) || (f.Endpoint != "" && r.Endpoint != f.Endpoint) ||
			(!f.Since.IsZero() && h.Before(f.Since)) || (!f.Until.IsZero() && !h.Before(f.Until)) {
			continue
		}
		if f.By&store.ByEndpoint == 0 && f.Endpoint == "" {
			r.Endpoint = ""
		}
		if f.By&store.ByVersion == 0 {
			r.Version = ""
		}
		if f.By&store.ByHour == 0 {
			if f.By&store.ByDay != 0 {
				r.Start = r.Start.UTC().Truncate(24 * time.Hour)
			} else {
				r.Start = time.Time{}
			}
		}
		if f.By&store.ByInstance == 0 {
			r.Instance = ""
		}
		r.Service = f.Service
		if r.Status >= 500 && r.Status < 600 {
			k := [4]string{r.Endpoint, r.Version, store.HourOf(r.Start).String(), r.Instance}
			if h.After(last5xx[k]) {
				last5xx[k] = h
			}
		}
		sel = append(sel, r)
	}
	out := store.Aggregate(sel)
	for i := range out {
		out[i].Last5xx = last5xx[[4]string{out[i].Endpoint, out[i].Version, out[i].Hour.String(), out[i].Instance}]
		if f.By&(store.ByHour|store.ByDay) == 0 {
			out[i].Hour = time.Time{}
		}
		if !f.Hist {
			out[i].Hist = nil
		}
	}
	sort.Slice(out, func(a, b int) bool {
		x, y := &out[a], &out[b]
		if x.Endpoint != y.Endpoint {
			return x.Endpoint < y.Endpoint
		}
		if x.Version != y.Version {
			return x.Version < y.Version
		}
		if !x.Hour.Equal(y.Hour) {
			return x.Hour.Before(y.Hour)
		}
		return x.Instance < y.Instance
	})
	return out
}

func sameRollup(g, w store.Rollup) string {
	if g.Service != w.Service || g.Endpoint != w.Endpoint || g.Version != w.Version || !g.Hour.Equal(w.Hour) || g.Instance != w.Instance {
		return fmt.Sprintf("group %q/%q/%q/%v/%q, want %q/%q/%q/%v/%q", g.Service, g.Endpoint, g.Version, g.Hour, g.Instance,
			w.Service, w.Endpoint, w.Version, w.Hour, w.Instance)
	}
	if g.Count != w.Count || g.Errors != w.Errors || g.Status != w.Status || g.Sum != w.Sum || g.Min != w.Min || g.Max != w.Max {
		return fmt.Sprintf("%s/%s/%v: count=%d errors=%d status=%v sum=%v min=%v max=%v, want count=%d errors=%d status=%v sum=%v min=%v max=%v",
			w.Endpoint, w.Version, w.Hour, g.Count, g.Errors, g.Status, g.Sum, g.Min, g.Max, w.Count, w.Errors, w.Status, w.Sum, w.Min, w.Max)
	}
	if !g.Last5xx.Equal(w.Last5xx) {
		return fmt.Sprintf("%s/%s/%v: last 5xx in %v, want %v", w.Endpoint, w.Version, w.Hour, g.Last5xx, w.Last5xx)
	}
	if (g.Hist == nil) != (w.Hist == nil) || len(g.Hist) != len(w.Hist) {
		return fmt.Sprintf("%s/%s/%v: histogram of %d buckets (nil %v), want %d (nil %v)", w.Endpoint, w.Version, w.Hour,
			len(g.Hist), g.Hist == nil, len(w.Hist), w.Hist == nil)
	}
	for b, n := range w.Hist {
		if g.Hist[b] != n {
			return fmt.Sprintf("%s/%s/%v: bucket %d holds %d, want %d", w.Endpoint, w.Version, w.Hour, b, g.Hist[b], n)
		}
	}
	return ""
}

func testSumRollups(t *testing.T, s store.Store) {
	reqs := queryData(t, s)
	// Since falls inside an hour: that hour starts before it and is left out.
	since, until := base.Add(5*time.Hour+20*time.Minute), base.Add(30*time.Hour)
	cases := []struct {
		name string
		f    store.SumFilter
	}{
		{"everything in one", store.SumFilter{Service: "svc"}},
		{"by endpoint", store.SumFilter{Service: "svc", By: store.ByEndpoint, Hist: true}},
		{"by version", store.SumFilter{Service: "svc", By: store.ByVersion, Hist: true}},
		{"by hour", store.SumFilter{Service: "svc", By: store.ByHour}},
		{"by endpoint and version", store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByVersion, Hist: true}},
		{"by endpoint and hour", store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByHour}},
		{"by all three", store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByVersion | store.ByHour, Hist: true}},
		{"one endpoint by version", store.SumFilter{Service: "svc", Endpoint: "GET /b", By: store.ByVersion, Hist: true}},
		{"one endpoint in one", store.SumFilter{Service: "svc", Endpoint: "POST /c", Hist: true}},
		{"window by hour", store.SumFilter{Service: "svc", Since: since, Until: until, By: store.ByHour, Hist: true}},
		{"window by endpoint", store.SumFilter{Service: "svc", Since: since, Until: until, By: store.ByEndpoint}},
		{"other service", store.SumFilter{Service: "other", By: store.ByEndpoint, Hist: true}},
		{"one endpoint of every service", store.SumFilter{Endpoint: "GET /a", By: store.ByHour, Hist: true}},
		{"by instance", store.SumFilter{Service: "svc", By: store.ByInstance, Hist: true}},
		{"one endpoint by instance", store.SumFilter{Service: "svc", Endpoint: "GET /b", By: store.ByInstance, Hist: true}},
		{"by endpoint and instance", store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByInstance}},
		{"window by hour and instance", store.SumFilter{Service: "svc", Since: since, Until: until, By: store.ByHour | store.ByInstance, Hist: true}},
		{"by all four", store.SumFilter{Service: "svc", By: store.ByEndpoint | store.ByVersion | store.ByHour | store.ByInstance, Hist: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.SumRollups(context.Background(), c.f)
			if err != nil {
				t.Fatal(err)
			}
			want := wantSums(reqs, c.f)
			if len(got) != len(want) {
				t.Fatalf("%d sums, want %d", len(got), len(want))
			}
			for i := range want {
				if msg := sameRollup(got[i], want[i]); msg != "" {
					t.Errorf("sum %d: %s", i, msg)
				}
			}
		})
	}
}

func testSumRollupsEmpty(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, f := range []store.SumFilter{{Service: "svc"}, {Service: "svc", By: store.ByEndpoint, Hist: true}} {
		got, err := s.SumRollups(ctx, f)
		if err != nil || len(got) != 0 {
			t.Errorf("empty store, %+v: %+v, %v", f, got, err)
		}
	}
	queryData(t, s)
	cases := []store.SumFilter{
		{Service: "svc", Endpoint: "GET /missing", Hist: true},
		{Service: "nobody", By: store.ByEndpoint},
		{Service: "svc", Since: base.Add(1000 * time.Hour)},
		{Service: "svc", Until: base, By: store.ByHour, Hist: true},
	}
	for _, f := range cases {
		got, err := s.SumRollups(ctx, f)
		if err != nil || len(got) != 0 {
			t.Errorf("%+v: %+v, %v; want nothing", f, got, err)
		}
	}
}

func testTimings(t *testing.T, s store.Store) {
	reqs := queryData(t, s)
	// Two rows with the same start: the one written last comes first.
	twin := store.Request{Service: "svc", Instance: "x", Endpoint: "GET /a", Method: "GET", Status: 200,
		Start: base.Add(1000 * time.Hour), Duration: time.Millisecond, Version: "v3", Group: "first", IP: "::1"}
	write(t, s, &store.Batch{Requests: []store.Request{twin}})
	reqs = append(reqs, twin)
	twin.Group = "second"
	write(t, s, &store.Batch{Requests: []store.Request{twin}})
	reqs = append(reqs, twin)

	since, until := base.Add(3*time.Hour), base.Add(20*time.Hour)
	cases := []struct {
		name string
		f    store.TimingFilter
		keep func(store.Request) bool
	}{
		{"service", store.TimingFilter{Service: "svc"}, func(r store.Request) bool { return r.Service == "svc" }},
		{"endpoint", store.TimingFilter{Service: "svc", Endpoint: "GET /a"}, func(r store.Request) bool {
			return r.Service == "svc" && r.Endpoint == "GET /a"
		}},
		{"window", store.TimingFilter{Service: "svc", Endpoint: "GET /b", Since: since, Until: until}, func(r store.Request) bool {
			return r.Service == "svc" && r.Endpoint == "GET /b" && !r.Start.Before(since) && r.Start.Before(until)
		}},
		{"newest ten", store.TimingFilter{Service: "svc", Endpoint: "GET /a", Limit: 10}, func(r store.Request) bool {
			return r.Service == "svc" && r.Endpoint == "GET /a"
		}},
		{"endpoint of every service", store.TimingFilter{Endpoint: "GET /a"}, func(r store.Request) bool { return r.Endpoint == "GET /a" }},
		{"missing endpoint", store.TimingFilter{Service: "svc", Endpoint: "GET /zzz"}, func(store.Request) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want []store.Timing
			for i := len(reqs) - 1; i >= 0; i-- {
				if r := reqs[i]; c.keep(r) {
					want = append(want, store.Timing{Start: r.Start, Duration: r.Duration, Status: r.Status, Version: r.Version, Group: r.Group, IP: r.IP})
				}
			}
			sort.SliceStable(want, func(a, b int) bool { return want[a].Start.After(want[b].Start) })
			if c.f.Limit > 0 {
				want = want[:min(len(want), c.f.Limit)]
			}
			var got []store.Timing
			err := s.Timings(context.Background(), c.f, func(tm *store.Timing) error {
				got = append(got, *tm)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if !g.Start.Equal(w.Start) || g.Duration != w.Duration || g.Status != w.Status || g.Version != w.Version || g.Group != w.Group || g.IP != w.IP {
					t.Errorf("row %d: %+v, want %+v", i, g, w)
				}
			}
		})
	}
	stop := errors.New("stop")
	n := 0
	err := s.Timings(context.Background(), store.TimingFilter{Service: "svc"}, func(*store.Timing) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("stopping: err=%v after %d rows", err, n)
	}
}
