package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// ciTests are the conformance tests of store.CIStore, run by Run.
var ciTests = []struct {
	name string
	fn   func(*testing.T, store.Store)
}{
	{"CIRunRoundTrip", testCIRunRoundTrip},
	{"CIRunSentTwiceStoredOnce", testCIRunSentTwice},
	{"CIRunSentConcurrentlyStoredOnce", testCIRunConcurrent},
	{"CIFilters", testCIFilters},
	{"CIVersionsByFirstUpload", testCIVersions},
	{"CILongNamesClipped", testCILongNames},
}

func ciRun(service, runID, version string, at time.Time) *store.CIRun {
	return &store.CIRun{
		Service: service, RunID: runID, Hash: "hash-" + runID, Version: version, Commit: "abc123", Branch: "main",
		GoOS: "linux", GoArch: "amd64", CPU: "Test CPU @ 2.0GHz", Started: at.Add(-time.Minute), Uploaded: at,
		Packages: []store.CIPackage{
			{Name: "example.com/calc", Outcome: store.CIPass, Elapsed: 1234567 * time.Microsecond},
			{Name: "example.com/broken", Outcome: store.CIBuildFail},
		},
		Tests: []store.CITest{
			{Package: "example.com/calc", Name: "TestSum", Run: 0, Outcome: store.CIPass, Elapsed: 10 * time.Millisecond},
			{Package: "example.com/calc", Name: "TestSum", Run: 1, Outcome: store.CIPass, Elapsed: 20 * time.Millisecond},
			{Package: "example.com/calc", Name: "TestConcat/two_words", Outcome: store.CIFail, Elapsed: 30 * time.Millisecond},
			{Package: "example.com/calc", Name: "TestSkipped", Outcome: store.CISkip},
			{Package: "example.com/calc", Name: "TestCut", Outcome: store.CIIncomplete},
		},
		Benchmarks: []store.CIBenchmark{
			{Package: "example.com/calc", Name: "BenchmarkBytes/size=64", Procs: 2, Run: 0, Iterations: 1000000000,
				Metrics: []store.CIMetric{{Unit: "ns/op", Value: 1.287}, {Unit: "MB/s", Value: 7768.5}, {Unit: "widgets/op", Value: 42}, {Unit: "B/op", Value: 0}, {Unit: "allocs/op", Value: 0}}},
			{Package: "example.com/calc", Name: "BenchmarkBytes/size=64", Procs: 2, Run: 1, Iterations: 879581100,
				Metrics: []store.CIMetric{{Unit: "ns/op", Value: 1.472}, {Unit: "MB/s", Value: 6793.63}, {Unit: "widgets/op", Value: 42}, {Unit: "B/op", Value: 0}, {Unit: "allocs/op", Value: 0}}},
			{Package: "example.com/calc", Name: "BenchmarkSum", Procs: 1, Run: 0, Iterations: 5,
				Metrics: []store.CIMetric{{Unit: "ns/op", Value: 2.5e9}, {Unit: "tiny/op", Value: 1e-12}}},
		},
	}
}

func save(t testing.TB, s store.Store, r *store.CIRun) {
	t.Helper()
	created, err := s.SaveCIRun(context.Background(), r)
	if err != nil || !created {
		t.Fatalf("SaveCIRun(%s): created %v, %v", r.RunID, created, err)
	}
}

func ciTestsOf(t testing.TB, s store.Store, f store.CIFilter) []store.CITest {
	t.Helper()
	var out []store.CITest
	if err := s.CITests(context.Background(), f, func(x *store.CITest) error { out = append(out, *x); return nil }); err != nil {
		t.Fatalf("CITests: %v", err)
	}
	return out
}

func ciBenchmarksOf(t testing.TB, s store.Store, f store.CIFilter) []store.CIBenchmark {
	t.Helper()
	var out []store.CIBenchmark
	err := s.CIBenchmarks(context.Background(), f, func(b *store.CIBenchmark) error {
		c := *b
		c.Metrics = append([]store.CIMetric(nil), b.Metrics...)
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatalf("CIBenchmarks: %v", err)
	}
	return out
}

func testCIRunRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := ciRun("svc", "run-1", "v1", base)
	save(t, s, in)
	if in.ID <= 0 {
		t.Errorf("ID %d after SaveCIRun", in.ID)
	}
	wantCounts := store.CICounts{Packages: 2, Tests: 5, Passed: 2, Failed: 2, Skipped: 1, Benchmarks: 3}
	if in.Counts != wantCounts {
		t.Errorf("Counts %+v, want %+v", in.Counts, wantCounts)
	}
	runs, err := s.CIRuns(ctx, store.CIRunFilter{Service: "svc"})
	if err != nil || len(runs) != 1 {
		t.Fatalf("CIRuns: %d runs, %v", len(runs), err)
	}
	got := runs[0]
	want := *in
	want.Packages, want.Tests, want.Benchmarks = nil, nil, nil
	if !got.Started.Equal(want.Started) || !got.Uploaded.Equal(want.Uploaded) {
		t.Errorf("times %v %v, want %v %v", got.Started, got.Uploaded, want.Started, want.Uploaded)
	}
	got.Started, got.Uploaded = want.Started, want.Uploaded
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CIRuns:\n got %+v\nwant %+v", got, want)
	}

	tests := ciTestsOf(t, s, store.CIFilter{Service: "svc"})
	if len(tests) != len(in.Tests) {
		t.Fatalf("%d tests, want %d", len(tests), len(in.Tests))
	}
	byKey := map[string]store.CITest{}
	for _, x := range tests {
		byKey[fmt.Sprintf("%s#%d", x.Name, x.Run)] = x
	}
	for _, w := range in.Tests {
		w.Version, w.RunID = "v1", in.ID
		if g := byKey[fmt.Sprintf("%s#%d", w.Name, w.Run)]; g != w {
			t.Errorf("test:\n got %+v\nwant %+v", g, w)
		}
	}

	bs := ciBenchmarksOf(t, s, store.CIFilter{Service: "svc"})
	if len(bs) != len(in.Benchmarks) {
		t.Fatalf("%d benchmark results, want %d: %+v", len(bs), len(in.Benchmarks), bs)
	}
	for i, w := range in.Benchmarks {
		w.Version, w.RunID = "v1", in.ID
		if !reflect.DeepEqual(bs[i], w) {
			t.Errorf("benchmark %d (metrics in printed order):\n got %+v\nwant %+v", i, bs[i], w)
		}
	}
}

func testCIRunSentTwice(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := ciRun("svc", "run-1", "v1", base)
	save(t, s, first)
	again := ciRun("svc", "run-1", "v1", base.Add(time.Hour))
	created, err := s.SaveCIRun(ctx, again)
	if err != nil || created {
		t.Fatalf("same run sent again: created %v, %v; want false, nil", created, err)
	}
	if again.ID != first.ID {
		t.Errorf("sent again: ID %d, want the stored run's %d", again.ID, first.ID)
	}
	other := ciRun("svc", "run-1", "v2", base.Add(time.Hour))
	other.Hash = "something else"
	if created, err := s.SaveCIRun(ctx, other); !errors.Is(err, store.ErrRunConflict) || created {
		t.Errorf("different run under the same id: created %v, %v; want ErrRunConflict", created, err)
	}
	if n := len(ciTestsOf(t, s, store.CIFilter{})); n != len(first.Tests) {
		t.Errorf("%d test rows after sending twice, want %d", n, len(first.Tests))
	}
	if n := len(ciBenchmarksOf(t, s, store.CIFilter{})); n != len(first.Benchmarks) {
		t.Errorf("%d benchmark results after sending twice, want %d", n, len(first.Benchmarks))
	}
	// The same run id in another service is another run.
	save(t, s, ciRun("other", "run-1", "v1", base))
}

func testCIRunConcurrent(t *testing.T, s store.Store) {
	const n = 4
	var wg sync.WaitGroup
	created := make([]bool, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			created[i], errs[i] = s.SaveCIRun(context.Background(), ciRun("svc", "run-c", "v1", base))
		}()
	}
	wg.Wait()
	count := 0
	for i := range created {
		if errs[i] != nil {
			t.Errorf("SaveCIRun %d: %v", i, errs[i])
		}
		if created[i] {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d of %d concurrent saves created the run, want 1", count, n)
	}
	if got := len(ciTestsOf(t, s, store.CIFilter{})); got != 5 {
		t.Errorf("%d test rows, want 5", got)
	}
}

func testCIFilters(t *testing.T, s store.Store) {
	for i, v := range []string{"v1", "v2", "v3"} {
		save(t, s, ciRun("svc", "run-"+v, v, base.Add(time.Duration(i)*time.Hour)))
	}
	save(t, s, ciRun("other", "run-x", "v1", base))
	cases := []struct {
		name        string
		f           store.CIFilter
		tests, runs int
	}{
		{"everything", store.CIFilter{}, 20, 4},
		{"service", store.CIFilter{Service: "svc"}, 15, 3},
		{"two versions", store.CIFilter{Service: "svc", Versions: []string{"v1", "v3"}}, 10, 2},
		{"unknown version", store.CIFilter{Service: "svc", Versions: []string{"nope"}}, 0, 0},
		{"one test", store.CIFilter{Service: "svc", Package: "example.com/calc", Name: "TestSum"}, 6, 3},
		{"other package", store.CIFilter{Service: "svc", Package: "example.com/nope"}, 0, 0},
	}
	for _, c := range cases {
		tests := ciTestsOf(t, s, c.f)
		runs := map[int64]bool{}
		for _, x := range tests {
			runs[x.RunID] = true
		}
		if len(tests) != c.tests || len(runs) != c.runs {
			t.Errorf("%s: %d tests in %d runs, want %d in %d", c.name, len(tests), len(runs), c.tests, c.runs)
		}
	}
	// Results come in upload order.
	var versions []string
	for _, b := range ciBenchmarksOf(t, s, store.CIFilter{Service: "svc", Name: "BenchmarkSum"}) {
		versions = append(versions, b.Version)
	}
	if want := []string{"v1", "v2", "v3"}; !reflect.DeepEqual(versions, want) {
		t.Errorf("BenchmarkSum results by version %v, want %v", versions, want)
	}
	runs, err := s.CIRuns(context.Background(), store.CIRunFilter{Service: "svc", Limit: 2})
	if err != nil || len(runs) != 2 || runs[0].Version != "v3" || runs[1].Version != "v2" {
		t.Errorf("CIRuns newest first, limit 2: %+v, %v", runs, err)
	}
	runs, err = s.CIRuns(context.Background(), store.CIRunFilter{Service: "svc", Version: "v2"})
	if err != nil || len(runs) != 1 || runs[0].RunID != "run-v2" {
		t.Errorf("CIRuns of v2: %+v, %v", runs, err)
	}
}

func testCIVersions(t *testing.T, s store.Store) {
	save(t, s, ciRun("svc", "a", "v2", base.Add(time.Hour)))
	save(t, s, ciRun("svc", "b", "v1", base))
	save(t, s, ciRun("svc", "c", "v2", base.Add(3*time.Hour)))
	save(t, s, ciRun("other", "d", "v9", base))
	vs, err := s.CIVersions(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.CIVersion{
		{Name: "v1", FirstUploaded: base, LastUploaded: base, Runs: 1},
		{Name: "v2", FirstUploaded: base.Add(time.Hour), LastUploaded: base.Add(3 * time.Hour), Runs: 2},
	}
	if len(vs) != len(want) {
		t.Fatalf("CIVersions = %+v, want %+v", vs, want)
	}
	for i := range want {
		g, w := vs[i], want[i]
		if g.Name != w.Name || g.Runs != w.Runs || !g.FirstUploaded.Equal(w.FirstUploaded) || !g.LastUploaded.Equal(w.LastUploaded) {
			t.Errorf("CIVersions[%d] = %+v, want %+v", i, g, w)
		}
	}
}

func testCILongNames(t *testing.T, s store.Store) {
	long := "Test" + strings.Repeat("é", 300)
	r := ciRun("svc", strings.Repeat("r", 300), strings.Repeat("v", 300), base)
	r.Tests = []store.CITest{{Package: strings.Repeat("p", 300), Name: long, Outcome: store.CIPass}}
	r.Benchmarks = nil
	save(t, s, r)
	tests := ciTestsOf(t, s, store.CIFilter{Service: "svc", Versions: []string{r.Version}, Package: r.Tests[0].Package, Name: long})
	if len(tests) != 1 || tests[0].Name != store.Clip(long) || tests[0].Version != store.Clip(r.Version) {
		t.Fatalf("long names: %+v", tests)
	}
	// Sending it again matches the clipped run id.
	other := ciRun("svc", r.RunID, "v", base)
	other.Hash = "different"
	if created, err := s.SaveCIRun(context.Background(), other); created || !errors.Is(err, store.ErrRunConflict) {
		t.Errorf("long run id sent again with other content: %v, %v", created, err)
	}
}
