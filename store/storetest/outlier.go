package storetest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func outlier(ep string, i int, dur time.Duration) store.Outlier {
	return store.Outlier{
		Service: "svc", Instance: "host-1", Endpoint: ep, Version: "v1", Method: "GET",
		URL: "/books/42?q=go&token=[redacted]", Status: 200,
		Start: base.Add(time.Duration(i) * time.Minute), Duration: dur,
		Average: 3 * time.Millisecond, Threshold: 10 * time.Millisecond, CapturedAfter: 10500 * time.Microsecond,
		Headers: []store.KeyValue{{Key: "Accept", Value: "application/json"}, {Key: "Authorization", Value: "[redacted]"}},
		Values:  []store.KeyValue{{Key: "q", Value: "go"}},
		Stack: []store.Frame{{Func: "main.slowHandler", File: "/src/main.go", Line: 42},
			{Func: "net/http.HandlerFunc.ServeHTTP", File: "/go/src/net/http/server.go", Line: 2220}},
		Goroutines: "goroutine dump of outlier " + time.Duration(i).String(),
		Host: store.Host{CPUPercent: []float64{12.5, 80}, ProcessCPU: 93.25, MemTotal: 8 << 30, MemUsed: 3 << 30,
			ProcessRSS: 50 << 20, Goroutines: 17, HeapAlloc: 4 << 20, HeapGoal: 8 << 20, GCCycles: 9, GCPauseTotal: 0.0012, GOMAXPROCS: 2},
	}
}

func testOutliersRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := []store.Outlier{outlier("GET /a", 0, 50*time.Millisecond), outlier("GET /a", 1, 900*time.Millisecond), outlier("GET /a", 2, 20*time.Millisecond), outlier("GET /b", 3, time.Second)}
	in[3].Stack, in[3].Headers, in[3].Values = nil, nil, nil // a request that ended before its stack was read
	if err := s.WriteOutliers(ctx, in[:2]); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteOutliers(ctx, in[2:]); err != nil {
		t.Fatal(err)
	}
	list := func(f store.OutlierFilter) []store.Outlier {
		t.Helper()
		out, err := s.Outliers(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	durations := func(os []store.Outlier) []time.Duration {
		var out []time.Duration
		for _, o := range os {
			out = append(out, o.Duration)
		}
		return out
	}
	ms := time.Millisecond
	cases := []struct {
		name string
		f    store.OutlierFilter
		want []time.Duration
	}{
		{"newest first", store.OutlierFilter{Service: "svc", Endpoint: "GET /a"}, []time.Duration{20 * ms, 900 * ms, 50 * ms}},
		{"slowest first", store.OutlierFilter{Endpoint: "GET /a", Order: store.SlowestFirst}, []time.Duration{900 * ms, 50 * ms, 20 * ms}},
		{"limit", store.OutlierFilter{Order: store.SlowestFirst, Limit: 2}, []time.Duration{1000 * ms, 900 * ms}},
		{"window", store.OutlierFilter{Since: base.Add(time.Minute), Until: base.Add(3 * time.Minute)}, []time.Duration{20 * ms, 900 * ms}},
		{"other service", store.OutlierFilter{Service: "nope"}, nil},
	}
	for _, c := range cases {
		if got := durations(list(c.f)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: durations %v, want %v", c.name, got, c.want)
		}
	}
	got := list(store.OutlierFilter{Endpoint: "GET /a", Order: store.SlowestFirst})[0]
	if got.Goroutines != "" {
		t.Errorf("listed outlier carries its goroutine dump")
	}
	full, err := s.Outlier(ctx, "svc", got.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := in[1]
	want.ID = got.ID
	if !full.Start.Equal(want.Start) {
		t.Errorf("Start %v, want %v", full.Start, want.Start)
	}
	full.Start = want.Start
	if !reflect.DeepEqual(full, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", full, want)
	}
	b := list(store.OutlierFilter{Endpoint: "GET /b"})
	if len(b) != 1 || len(b[0].Stack) != 0 || len(b[0].Headers) != 0 {
		t.Errorf("outlier without stack came back as %+v", b)
	}
	if _, err := s.Outlier(ctx, "nope", got.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("outlier of another service: err %v, want ErrNotFound", err)
	}
	if _, err := s.Outlier(ctx, "", 1<<40); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown id: err %v, want ErrNotFound", err)
	}
}

// testBatchCarriesOutliersPanicsProfiles: one Write stores outliers, panics
// and profiles with the requests; an endpoint declared in the batch keeps
// its declared level even when a panic or an outlier names it first, and
// one met only in them is created at level 1.
func testBatchCarriesOutliersPanicsProfiles(t *testing.T, s store.Store) {
	ctx := context.Background()
	o := outlier("GET /slow", 1, 3*time.Second)
	o.Service, o.Instance, o.Version = "svc", "host-1", "v1"
	write(t, s, &store.Batch{
		Service: "svc", Instance: "host-1",
		Endpoints: []store.Endpoint{{Service: "svc", Name: "GET /boom", Level: 2, FirstSeen: base}},
		Panics: []store.Panic{{Service: "svc", Instance: "host-1", Endpoint: "GET /boom", Version: "v1", Signature: "sig",
			Value: "boom", Stack: "stack", Count: 2, First: base, Last: base.Add(time.Second)}},
		Outliers: []store.Outlier{o},
		Profiles: []store.Profile{{Service: "svc", Instance: "host-1", Endpoint: "GET /boom", Version: "v1",
			Start: base, End: base.Add(time.Minute), Samples: 3, Wall: 30 * time.Millisecond, Data: []byte("pprof")}},
	})
	if e := endpoint(t, s, "svc", "GET /boom"); e.Level != 2 {
		t.Errorf("endpoint declared at level 2 and named by a panic: level %d", e.Level)
	}
	if e := endpoint(t, s, "svc", "GET /slow"); e.Level != store.LevelTiming {
		t.Errorf("endpoint met first in an outlier: level %d, want %d", e.Level, store.LevelTiming)
	}
	groups, err := s.ErrorGroups(ctx, store.ErrorFilter{Service: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].Count != 2 || groups[0].Endpoint != "GET /boom" {
		t.Errorf("error groups %+v", groups)
	}
	os, err := s.Outliers(ctx, store.OutlierFilter{Service: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(os) != 1 || os[0].Endpoint != "GET /slow" || os[0].Duration != 3*time.Second {
		t.Errorf("outliers %+v", os)
	}
	var ps []store.Profile
	if err := s.Profiles(ctx, store.ProfileFilter{Service: "svc"}, func(p *store.Profile) error { ps = append(ps, *p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Samples != 3 || string(ps[0].Data) != "pprof" {
		t.Errorf("profiles %+v", ps)
	}
}

func testPanicsGroupAndCount(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := func(ep, version, sig, value string, n int64, first, last int) store.Panic {
		return store.Panic{Service: "svc", Instance: "host-1", Endpoint: ep, Version: version, Signature: sig,
			Value: value, Stack: "stack of " + value, Count: n,
			First: base.Add(time.Duration(first) * time.Minute), Last: base.Add(time.Duration(last) * time.Minute)}
	}
	if err := s.WritePanics(ctx, []store.Panic{
		p("GET /a", "v1", "sig-nil", "nil map (1)", 3, 0, 5),
		p("GET /a", "v1", "sig-index", "index out of range", 1, 2, 2),
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.WritePanics(ctx, []store.Panic{
		p("GET /a", "v2", "sig-nil", "nil map (2)", 2, 10, 20),
		p("GET /a", "v1", "sig-nil", "late report of an old panic", 1, 1, 1), // older than what is stored
		p("GET /b", "v2", "sig-nil", "same stack, other endpoint", 1, 30, 30),
	}); err != nil {
		t.Fatal(err)
	}
	groups, err := s.ErrorGroups(ctx, store.ErrorFilter{Service: "svc", Endpoint: "GET /a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 {
		t.Fatalf("%d groups for GET /a, want 2: %+v", len(groups), groups)
	}
	g := groups[0] // seen last
	if g.Signature != "sig-nil" || g.Count != 6 || !g.First.Equal(base) || !g.Last.Equal(base.Add(20*time.Minute)) {
		t.Errorf("group: %+v", g)
	}
	if g.Value != "nil map (2)" || g.Stack != "stack of nil map (2)" {
		t.Errorf("group keeps value %q and stack %q, want the latest panic's", g.Value, g.Stack)
	}
	wantVersions := []store.ErrorVersion{
		{Version: "v1", Count: 4, First: base, Last: base.Add(5 * time.Minute)},
		{Version: "v2", Count: 2, First: base.Add(10 * time.Minute), Last: base.Add(20 * time.Minute)},
	}
	if len(g.Versions) != 2 {
		t.Fatalf("versions %+v", g.Versions)
	}
	for i, w := range wantVersions {
		v := g.Versions[i]
		if v.Version != w.Version || v.Count != w.Count || !v.First.Equal(w.First) || !v.Last.Equal(w.Last) {
			t.Errorf("version %d: %+v, want %+v", i, v, w)
		}
	}
	if groups[1].Signature != "sig-index" || groups[1].Count != 1 {
		t.Errorf("second group %+v", groups[1])
	}
	all, err := s.ErrorGroups(ctx, store.ErrorFilter{Service: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].Endpoint != "GET /b" {
		t.Errorf("service-wide groups: %+v", all)
	}
	recent, err := s.ErrorGroups(ctx, store.ErrorFilter{Since: base.Add(15 * time.Minute), Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 1 || recent[0].Endpoint != "GET /b" {
		t.Errorf("since and limit: %+v", recent)
	}
}

func testProfilesRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	prof := func(version string, i int, data []byte) store.Profile {
		return store.Profile{Service: "svc", Instance: "host-1", Endpoint: "GET /a", Version: version,
			Start: base.Add(time.Duration(i) * time.Minute), End: base.Add(time.Duration(i+1) * time.Minute),
			Samples: int64(10 * (i + 1)), Wall: time.Duration(i+1) * 100 * time.Millisecond, Data: data}
	}
	big := bytes.Repeat([]byte{0x1f, 0x8b, 0, 0xff}, 50000) // binary, 200 kB
	in := []store.Profile{prof("v1", 0, []byte{1, 2, 3}), prof("v1", 1, big), prof("v2", 2, []byte{0})}
	if err := s.WriteProfiles(ctx, in); err != nil {
		t.Fatal(err)
	}
	var got []store.Profile
	if err := s.Profiles(ctx, store.ProfileFilter{Service: "svc", Endpoint: "GET /a", Version: "v1"}, func(p *store.Profile) error {
		got = append(got, *p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !bytes.Equal(got[0].Data, in[0].Data) || !bytes.Equal(got[1].Data, big) ||
		got[1].Samples != 20 || got[1].Wall != 200*time.Millisecond || !got[1].End.Equal(in[1].End) {
		t.Fatalf("profiles of v1: %d, first %+v", len(got), got)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.Profiles(ctx, store.ProfileFilter{}, func(*store.Profile) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("callback error: err %v after %d calls", err, n)
	}
	sums, err := s.ProfileSummaries(ctx, "svc", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ProfileSummary{
		{Endpoint: "GET /a", Version: "v1", Profiles: 2, Samples: 30, Wall: 300 * time.Millisecond, First: base, Last: base.Add(2 * time.Minute)},
		{Endpoint: "GET /a", Version: "v2", Profiles: 1, Samples: 30, Wall: 300 * time.Millisecond, First: base.Add(2 * time.Minute), Last: base.Add(3 * time.Minute)},
	}
	if len(sums) != len(want) {
		t.Fatalf("summaries %+v", sums)
	}
	for i := range want {
		g := sums[i]
		if g.Endpoint != want[i].Endpoint || g.Version != want[i].Version || g.Profiles != want[i].Profiles || g.Samples != want[i].Samples ||
			g.Wall != want[i].Wall || !g.First.Equal(want[i].First) || !g.Last.Equal(want[i].Last) {
			t.Errorf("summary %d: %+v, want %+v", i, g, want[i])
		}
	}
}

func testPruneOutliersAndProfiles(t *testing.T, s store.Store) {
	ctx := context.Background()
	var os []store.Outlier
	var ps []store.Profile
	for i := 0; i < 10; i++ {
		o := outlier("GET /a", 0, time.Second)
		o.Start = base.Add(time.Duration(i) * time.Hour)
		os = append(os, o)
		ps = append(ps, store.Profile{Service: "svc", Instance: "host-1", Endpoint: "GET /a", Version: "v1",
			Start: base.Add(time.Duration(i) * time.Hour), End: base.Add(time.Duration(i)*time.Hour + time.Minute), Samples: 1, Data: []byte{1}})
	}
	if err := s.WriteOutliers(ctx, os); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	write(t, s, &store.Batch{Requests: []store.Request{req("GET /a", 0)}}) // at base: older than the cutoff
	cutoff := base.Add(6*time.Hour + time.Second)
	drain := func(prune func(context.Context, time.Time, int) (int64, error)) int64 {
		var total int64
		for i := 0; i < 20; i++ {
			n, err := prune(ctx, cutoff, 4)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return total
			}
			total += n
		}
		t.Fatal("pruning does not end")
		return 0
	}
	if n := drain(s.PruneRequests); n != 1+7 {
		t.Errorf("PruneRequests deleted %d rows, want 1 request and 7 outliers", n)
	}
	left, err := s.Outliers(ctx, store.OutlierFilter{Order: store.NewestFirst})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 3 || !left[2].Start.Equal(base.Add(7*time.Hour)) {
		t.Errorf("%d outliers left, want the 3 started after the cutoff", len(left))
	}
	drain(s.PruneRollups)
	n := 0
	if err := s.Profiles(ctx, store.ProfileFilter{}, func(p *store.Profile) error {
		n++
		if p.End.Before(cutoff) {
			t.Errorf("profile ending %v kept", p.End)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 4 { // those of hours 6 (ends after the cutoff) to 9
		t.Errorf("%d profiles left, want 4", n)
	}
}
