// Package storetest is the conformance suite every store driver runs, so
// that SQLite, PostgreSQL and MySQL behave the same to the dashboard.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Opener returns a new, empty store. It registers the store's cleanup
// (Close, dropping a schema) with t.Cleanup.
type Opener func(t testing.TB) store.Store

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"RequestsRoundTrip", testRequestsRoundTrip},
		{"RequestFilters", testRequestFilters},
		{"RequestsSinceOutOfOrder", testRequestsSinceOutOfOrder},
		{"RollupsAgreeWithRows", testRollupsAgreeWithRows},
		{"EndpointsKeepTheirLevel", testEndpointsKeepLevel},
		{"SetLevelUnknownEndpoint", testSetLevelUnknown},
		{"MethodsAndLastRequested", testMethodsAndLastRequested},
		{"VersionsFirstSeen", testVersionsFirstSeen},
		{"CountersAdd", testCountersAdd},
		{"ServicesAreSeparate", testServicesSeparate},
		{"ConcurrentWritersLoseNothing", testConcurrentWriters},
		{"StreamingStopsOnError", testStreamingStops},
		{"EmptyBatch", testEmptyBatch},
		{"LongAndOddStrings", testOddStrings},
		{"PruneRequests", testPruneRequests},
		{"PruneRollups", testPruneRollups},
		{"SumRollups", testSumRollups},
		{"SumRollupsEmpty", testSumRollupsEmpty},
		{"SumRollupsDerived", testSumRollupsDerived},
		{"DeriveLateRows", testDeriveLateRows},
		{"DeriveConcurrently", testDeriveConcurrently},
		{"RollupsMatchRawRows", testRollupsMatchRawRows},
		{"SampledRows", testSampledRows},
		{"Timings", testTimings},
		{"GroupsAgreeWithRows", testGroupsAgreeWithRows},
		{"Instances", testInstances},
		{"UsersRoundTrip", testUsersRoundTrip},
		{"Sessions", testSessions},
		{"SettingsFirstWins", testSettingsFirstWins},
		{"OutliersRoundTrip", testOutliersRoundTrip},
		{"PanicsGroupAndCount", testPanicsGroupAndCount},
		{"BatchCarriesOutliersPanicsProfiles", testBatchCarriesOutliersPanicsProfiles},
		{"ProfilesRoundTrip", testProfilesRoundTrip},
		{"PruneOutliersAndProfiles", testPruneOutliersAndProfiles},
	}
	tests = append(tests, ciTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

var base = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

func req(ep string, i int) store.Request {
	status := 200
	if i%7 == 0 {
		status = 404
	}
	return store.Request{
		Service: "svc", Instance: "host-1", Endpoint: ep, Method: "GET", Status: status,
		Start: base.Add(time.Duration(i) * 97 * time.Second), Duration: time.Duration(1000+i*37) * time.Microsecond,
		Version: "v1", Group: fmt.Sprintf("user-%d", i%3), IP: "10.0.0.1",
	}
}

func write(t testing.TB, s store.Store, b *store.Batch) {
	t.Helper()
	if err := s.Write(context.Background(), b); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func all(t testing.TB, s store.Store, f store.RequestFilter) []store.Request {
	t.Helper()
	var out []store.Request
	err := s.Requests(context.Background(), f, func(r *store.Request) error {
		out = append(out, *r)
		return nil
	})
	if err != nil {
		t.Fatalf("Requests: %v", err)
	}
	return out
}

func testRequestsRoundTrip(t *testing.T, s store.Store) {
	in := []store.Request{
		{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Method: "GET", Status: 200,
			Start: base.Add(123456 * time.Microsecond), Duration: 1500 * time.Microsecond, Version: "v1", Group: "alice", IP: "192.0.2.1"},
		{Service: "svc", Instance: "i2", Endpoint: "POST /books", Method: "POST", Status: 500,
			Start: base.Add(time.Hour), Duration: 2 * time.Second, Version: "v2", Group: "", IP: "2001:db8::1"},
	}
	write(t, s, &store.Batch{Service: "svc", Instance: "i1", Requests: in})
	got := all(t, s, store.RequestFilter{})
	if len(got) != len(in) {
		t.Fatalf("got %d rows, want %d", len(got), len(in))
	}
	for i := range in {
		g, w := got[i], in[i]
		if g.ID <= 0 {
			t.Errorf("row %d: ID %d, want > 0", i, g.ID)
		}
		w.ID = g.ID
		if !g.Start.Equal(w.Start) {
			t.Errorf("row %d: Start %v, want %v", i, g.Start, w.Start)
		}
		g.Start = w.Start
		if g != w {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if got[0].ID >= got[1].ID {
		t.Errorf("IDs not increasing: %d, %d", got[0].ID, got[1].ID)
	}
}

func testRequestFilters(t *testing.T, s store.Store) {
	var reqs []store.Request
	for i := 0; i < 100; i++ {
		ep := "GET /a"
		if i%4 == 0 {
			ep = "GET /b"
		}
		reqs = append(reqs, req(ep, i))
	}
	write(t, s, &store.Batch{Requests: reqs[:60]})
	write(t, s, &store.Batch{Requests: reqs[60:]})
	count := func(f store.RequestFilter) int { return len(all(t, s, f)) }
	want := func(pred func(store.Request) bool) int {
		n := 0
		for _, r := range reqs {
			if pred(r) {
				n++
			}
		}
		return n
	}
	since, until := base.Add(30*97*time.Second), base.Add(70*97*time.Second)
	cases := []struct {
		name string
		f    store.RequestFilter
		want int
	}{
		{"all", store.RequestFilter{}, 100},
		{"service", store.RequestFilter{Service: "svc"}, 100},
		{"other service", store.RequestFilter{Service: "nope"}, 0},
		{"endpoint", store.RequestFilter{Endpoint: "GET /b"}, 25},
		{"since", store.RequestFilter{Since: since}, want(func(r store.Request) bool { return !r.Start.Before(since) })},
		{"until", store.RequestFilter{Until: until}, want(func(r store.Request) bool { return r.Start.Before(until) })},
		{"window and endpoint", store.RequestFilter{Endpoint: "GET /a", Since: since, Until: until},
			want(func(r store.Request) bool {
				return r.Endpoint == "GET /a" && !r.Start.Before(since) && r.Start.Before(until)
			})},
		{"limit", store.RequestFilter{Limit: 7}, 7},
	}
	for _, c := range cases {
		if got := count(c.f); got != c.want {
			t.Errorf("%s: %d rows, want %d", c.name, got, c.want)
		}
	}
	// Paging with AfterID visits every row once.
	seen := 0
	var after int64
	for {
		page := all(t, s, store.RequestFilter{AfterID: after, Limit: 13})
		if len(page) == 0 {
			break
		}
		seen += len(page)
		after = page[len(page)-1].ID
	}
	if seen != 100 {
		t.Errorf("paging saw %d rows, want 100", seen)
	}
}

func testRollupsAgreeWithRows(t *testing.T, s store.Store) {
	var reqs []store.Request
	for i := 0; i < 300; i++ {
		r := req("GET /a", i)
		if i%10 == 0 {
			r.Status = 503
		}
		if i%3 == 0 {
			r.Version = "v2"
		}
		reqs = append(reqs, r)
	}
	// Several batches touch the same hours, so rollups must add up.
	for i := 0; i < len(reqs); i += 70 {
		write(t, s, &store.Batch{Requests: reqs[i:min(i+70, len(reqs))]})
	}
	rus, err := s.Rollups(context.Background(), store.RollupFilter{Service: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	want := store.Aggregate(reqs)
	if len(rus) != len(want) {
		t.Fatalf("got %d rollups, want %d", len(rus), len(want))
	}
	for i := range want {
		g, w := rus[i], want[i]
		if !g.Hour.Equal(w.Hour) || g.Endpoint != w.Endpoint || g.Version != w.Version || g.Instance != w.Instance {
			t.Fatalf("rollup %d is %s/%s/%v, want %s/%s/%v", i, g.Endpoint, g.Version, g.Hour, w.Endpoint, w.Version, w.Hour)
		}
		if g.Count != w.Count || g.Errors != w.Errors || g.Sum != w.Sum || g.Min != w.Min || g.Max != w.Max || g.Status != w.Status {
			t.Errorf("rollup %d: got count=%d errors=%d sum=%v min=%v max=%v status=%v\nwant count=%d errors=%d sum=%v min=%v max=%v status=%v",
				i, g.Count, g.Errors, g.Sum, g.Min, g.Max, g.Status, w.Count, w.Errors, w.Sum, w.Min, w.Max, w.Status)
		}
		if len(g.Hist) != len(w.Hist) {
			t.Errorf("rollup %d: %d histogram buckets, want %d", i, len(g.Hist), len(w.Hist))
		}
		for b, n := range w.Hist {
			if g.Hist[b] != n {
				t.Errorf("rollup %d bucket %d: %d, want %d", i, b, g.Hist[b], n)
			}
		}
	}
	// Window filters select whole hours.
	since := base.Add(2 * time.Hour)
	part, err := s.Rollups(context.Background(), store.RollupFilter{Since: since, Until: since.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var n, wantN int64
	for _, ru := range part {
		n += ru.Count
	}
	for _, r := range reqs {
		if !r.Start.Before(since) && r.Start.Before(since.Add(2*time.Hour)) {
			wantN++
		}
	}
	if n != wantN || len(part) == 0 {
		t.Errorf("two-hour window holds %d requests in %d rollups, want %d", n, len(part), wantN)
	}
}

func endpoint(t testing.TB, s store.Store, service, name string) store.Endpoint {
	t.Helper()
	eps, err := s.Endpoints(context.Background(), service)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eps {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("endpoint %q of %q not found in %+v", name, service, eps)
	return store.Endpoint{}
}

func testEndpointsKeepLevel(t *testing.T, s store.Store) {
	ctx := context.Background()
	write(t, s, &store.Batch{Endpoints: []store.Endpoint{
		{Service: "svc", Name: "GET /x", Level: 2, FirstSeen: base, Methods: []string{"GET"}},
		{Service: "svc", Name: "GET /never", Level: 0, FirstSeen: base},
	}})
	if e := endpoint(t, s, "svc", "GET /x"); e.Level != 2 || !e.FirstSeen.Equal(base) || !e.LastRequested.IsZero() {
		t.Errorf("declared endpoint: %+v", e)
	}
	if err := s.SetLevel(ctx, "svc", "GET /x", 3); err != nil {
		t.Fatal(err)
	}
	// Declaring again (a restart) and recording requests keeps the level.
	write(t, s, &store.Batch{Endpoints: []store.Endpoint{{Service: "svc", Name: "GET /x", Level: 1, FirstSeen: base.Add(time.Hour)}},
		Requests: []store.Request{req("GET /x", 1)}})
	e := endpoint(t, s, "svc", "GET /x")
	if e.Level != 3 {
		t.Errorf("level after re-declare = %d, want 3", e.Level)
	}
	if !e.FirstSeen.Equal(base) {
		t.Errorf("first seen moved to %v", e.FirstSeen)
	}
	if e := endpoint(t, s, "svc", "GET /never"); e.Level != 0 || !e.LastRequested.IsZero() {
		t.Errorf("never-requested endpoint: %+v", e)
	}
	// Setting the level it already has is not an error.
	if err := s.SetLevel(ctx, "svc", "GET /x", 3); err != nil {
		t.Errorf("SetLevel to the same level: %v", err)
	}
	if err := s.SetLevel(ctx, "svc", "GET /x", 4); err == nil {
		t.Error("SetLevel(4) succeeded, want an error")
	}
}

func testSetLevelUnknown(t *testing.T, s store.Store) {
	err := s.SetLevel(context.Background(), "svc", "GET /missing", 1)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetLevel of a missing endpoint: %v, want ErrNotFound", err)
	}
}

func testMethodsAndLastRequested(t *testing.T, s store.Store) {
	r1 := req("/any", 1)
	r2 := req("/any", 2)
	r2.Method = "POST"
	r3 := req("/any", 3)
	r3.Method = "DELETE"
	write(t, s, &store.Batch{Requests: []store.Request{r2, r1}})
	write(t, s, &store.Batch{Requests: []store.Request{r3}})
	// An older request written later does not move last-requested back.
	write(t, s, &store.Batch{Requests: []store.Request{r1}})
	e := endpoint(t, s, "svc", "/any")
	if want := []string{"DELETE", "GET", "POST"}; !slices.Equal(e.Methods, want) {
		t.Errorf("methods %v, want %v", e.Methods, want)
	}
	if !e.LastRequested.Equal(r3.Start) {
		t.Errorf("last requested %v, want %v", e.LastRequested, r3.Start)
	}
	if e.Level != store.LevelTiming {
		t.Errorf("endpoint met in a request row has level %d, want %d", e.Level, store.LevelTiming)
	}
}

func testVersionsFirstSeen(t *testing.T, s store.Store) {
	write(t, s, &store.Batch{Versions: []store.Version{{Service: "svc", Name: "v1", FirstSeen: base}}})
	write(t, s, &store.Batch{Versions: []store.Version{{Service: "svc", Name: "v1", FirstSeen: base.Add(time.Hour)},
		{Service: "svc", Name: "v2", FirstSeen: base.Add(2 * time.Hour)}}})
	r := req("GET /a", 0)
	r.Version = "v3"
	r.Start = base.Add(3 * time.Hour)
	write(t, s, &store.Batch{Requests: []store.Request{r}})
	vs, err := s.Versions(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Version{
		{Service: "svc", Name: "v1", FirstSeen: base},
		{Service: "svc", Name: "v2", FirstSeen: base.Add(2 * time.Hour)},
		{Service: "svc", Name: "v3", FirstSeen: base.Add(3 * time.Hour)},
	}
	if len(vs) != len(want) {
		t.Fatalf("versions %+v, want %+v", vs, want)
	}
	for i := range want {
		if vs[i].Name != want[i].Name || !vs[i].FirstSeen.Equal(want[i].FirstSeen) {
			t.Errorf("version %d = %+v, want %+v", i, vs[i], want[i])
		}
	}
}

func testCountersAdd(t *testing.T, s store.Store) {
	write(t, s, &store.Batch{Counters: []store.Counter{{Service: "svc", Instance: "a", Name: store.CounterDroppedQueueFull, Value: 3}}})
	write(t, s, &store.Batch{Counters: []store.Counter{
		{Service: "svc", Instance: "a", Name: store.CounterDroppedQueueFull, Value: 4},
		{Service: "svc", Instance: "b", Name: store.CounterDroppedQueueFull, Value: 1},
		{Service: "svc", Instance: "a", Name: store.CounterDroppedStoreError, Value: 0},
	}})
	cs, err := s.Counters(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Counter{
		{Service: "svc", Instance: "a", Name: store.CounterDroppedQueueFull, Value: 7},
		{Service: "svc", Instance: "b", Name: store.CounterDroppedQueueFull, Value: 1},
	}
	if !slices.Equal(cs, want) {
		t.Errorf("counters %+v, want %+v", cs, want)
	}
}

func testServicesSeparate(t *testing.T, s store.Store) {
	a := req("GET /same", 1)
	b := req("GET /same", 2)
	b.Service = "other"
	write(t, s, &store.Batch{Requests: []store.Request{a, b}})
	if err := s.SetLevel(context.Background(), "other", "GET /same", 0); err != nil {
		t.Fatal(err)
	}
	if e := endpoint(t, s, "svc", "GET /same"); e.Level != 1 {
		t.Errorf("level of svc's endpoint changed with other's: %d", e.Level)
	}
	if n := len(all(t, s, store.RequestFilter{Service: "other"})); n != 1 {
		t.Errorf("other has %d rows, want 1", n)
	}
	eps, err := s.Endpoints(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 2 {
		t.Errorf("all services list %d endpoints, want 2", len(eps))
	}
}

// testConcurrentWriters writes from several goroutines as several
// instances do from several processes: nothing may be lost or doubled.
func testConcurrentWriters(t *testing.T, s store.Store) {
	const writers, batches, per = 4, 10, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				var reqs []store.Request
				for i := 0; i < per; i++ {
					r := req("GET /hot", i)
					r.Instance = fmt.Sprintf("host-%d", w)
					r.Version = fmt.Sprintf("v%d", b%3) // new versions created concurrently
					r.Start = base.Add(time.Duration(i) * time.Minute)
					reqs = append(reqs, r)
				}
				if err := s.Write(context.Background(), &store.Batch{Requests: reqs,
					Counters: []store.Counter{{Service: "svc", Instance: "shared", Name: "n", Value: 1}}}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Write: %v", err)
	}
	if n := len(all(t, s, store.RequestFilter{})); n != writers*batches*per {
		t.Errorf("%d rows, want %d", n, writers*batches*per)
	}
	rus, err := s.Rollups(context.Background(), store.RollupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var total, hist int64
	for _, ru := range rus {
		total += ru.Count
		hist += ru.Hist.Count()
	}
	if total != writers*batches*per || hist != total {
		t.Errorf("rollups count %d (histograms %d), want %d", total, hist, writers*batches*per)
	}
	cs, err := s.Counters(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Value != writers*batches {
		t.Errorf("shared counter %+v, want %d", cs, writers*batches)
	}
	vs, _ := s.Versions(context.Background(), "svc")
	if len(vs) != 3 {
		t.Errorf("%d versions, want 3 (each created once)", len(vs))
	}
}

func testStreamingStops(t *testing.T, s store.Store) {
	var reqs []store.Request
	for i := 0; i < 50; i++ {
		reqs = append(reqs, req("GET /a", i))
	}
	write(t, s, &store.Batch{Requests: reqs})
	stop := errors.New("stop")
	n := 0
	err := s.Requests(context.Background(), store.RequestFilter{}, func(*store.Request) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5 {
		t.Errorf("got err=%v after %d rows, want stop after 5", err, n)
	}
	// The store still writes after an abandoned scan.
	write(t, s, &store.Batch{Requests: reqs[:1]})
}

func testEmptyBatch(t *testing.T, s store.Store) {
	write(t, s, &store.Batch{})
	if n := len(all(t, s, store.RequestFilter{})); n != 0 {
		t.Errorf("%d rows after an empty batch", n)
	}
}

func testOddStrings(t *testing.T, s store.Store) {
	odd := "GET /é/{x}/'; DROP TABLE gmd_requests; --\"<script>"
	r := req(odd, 1)
	r.Group = "名前 \x01 'quote'"
	write(t, s, &store.Batch{Requests: []store.Request{r}})
	got := all(t, s, store.RequestFilter{Endpoint: odd})
	if len(got) != 1 || got[0].Endpoint != odd || got[0].Group != r.Group {
		t.Errorf("odd strings did not round-trip: %+v", got)
	}
	// Bytes PostgreSQL and MySQL refuse (invalid UTF-8, NUL) become
	// U+FFFD alike everywhere, in names and in filters.
	bad := req("GET /bad\xff\x00", 3)
	bad.Group = "user\xfe"
	bad.Method = "G\x00T"
	write(t, s, &store.Batch{Requests: []store.Request{bad}})
	got = all(t, s, store.RequestFilter{Endpoint: bad.Endpoint})
	if len(got) != 1 || got[0].Endpoint != "GET /bad\uFFFD\uFFFD" || got[0].Group != "user\uFFFD" || got[0].Method != "G\uFFFDT" {
		t.Errorf("invalid UTF-8 and NUL: %+v", got)
	}
	// Names longer than MaxName are clipped alike everywhere.
	long := req(strings.Repeat("é", store.MaxName+20), 2)
	long.Group = strings.Repeat("g", 1000)
	write(t, s, &store.Batch{Requests: []store.Request{long}})
	got = all(t, s, store.RequestFilter{Endpoint: long.Endpoint})
	if len(got) != 1 || got[0].Endpoint != strings.Repeat("é", store.MaxName) || len(got[0].Group) != store.MaxName {
		t.Errorf("long names: %d rows, %+v", len(got), got)
	}
}
