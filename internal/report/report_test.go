package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

var t0 = time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)

func memStore(tb testing.TB) store.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// requests writes n requests of an endpoint in a version, with durations
// around median (lognormal noise), starting at start.
func requests(t *testing.T, s store.Store, rng *rand.Rand, endpoint, version string, start time.Time, n int, median time.Duration) {
	t.Helper()
	b := &store.Batch{Service: "svc", Instance: "i1", Versions: []store.Version{{Service: "svc", Name: version, FirstSeen: start}}}
	for i := 0; i < n; i++ {
		d := time.Duration(float64(median) * math.Exp(0.3*rng.NormFloat64()))
		b.Requests = append(b.Requests, store.Request{Service: "svc", Instance: "i1", Endpoint: endpoint, Method: "GET",
			Status: 200, Start: start.Add(time.Duration(i) * time.Second), Duration: d, Version: version})
	}
	if err := s.Write(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

// ciRun uploads a run whose benchmark and test figures are base values
// times scale[name] (1 when absent), with a little noise.
func ciRun(t *testing.T, s store.Store, rng *rand.Rand, version string, at time.Time, scale map[string]float64) {
	t.Helper()
	sc := func(name string) float64 {
		if f, ok := scale[name]; ok {
			return f
		}
		return 1
	}
	noise := func() float64 { return 1 + 0.02*rng.NormFloat64() }
	r := &store.CIRun{Service: "svc", RunID: version + at.String(), Hash: version, Version: version, Uploaded: at}
	for run := 0; run < 6; run++ {
		r.Benchmarks = append(r.Benchmarks,
			store.CIBenchmark{Package: "p", Name: "BenchmarkSlow", Procs: 2, Run: run, Iterations: 100, Metrics: []store.CIMetric{
				{Unit: "ns/op", Value: 1000 * sc("BenchmarkSlow") * noise()}, {Unit: "B/op", Value: 64}, {Unit: "allocs/op", Value: 1}}},
			store.CIBenchmark{Package: "p", Name: "BenchmarkSame", Procs: 2, Run: run, Iterations: 100, Metrics: []store.CIMetric{
				{Unit: "ns/op", Value: 500 * noise()}, {Unit: "B/op", Value: 16 * sc("B/op")}, {Unit: "allocs/op", Value: 5 * sc("allocs/op")},
				{Unit: "MB/s", Value: 300 * sc("MB/s") * noise()}, {Unit: "widgets/op", Value: 7 * sc("widgets/op")}}},
		)
		for _, name := range []string{"TestSlow", "TestSame", "TestFaster"} {
			d := time.Duration(100*sc(name)*noise()) * time.Millisecond / 10 * 10
			r.Tests = append(r.Tests, store.CITest{Package: "p", Name: name, Run: run, Outcome: store.CIPass, Elapsed: d})
		}
		r.Tests = append(r.Tests, store.CITest{Package: "p", Name: "TestZero", Run: run, Outcome: store.CIPass})
	}
	r.Tests = append(r.Tests, store.CITest{Package: "p", Name: "TestBroken", Outcome: store.CIFail, Elapsed: time.Second})
	if _, err := s.SaveCIRun(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

func find(cs []Comparison, name, metric string) *Comparison {
	for i := range cs {
		if cs[i].Name == name && cs[i].Metric == metric {
			return &cs[i]
		}
	}
	return nil
}

func TestCompare(t *testing.T) {
	s := memStore(t)
	rng := rand.New(rand.NewPCG(3, 4))
	v1, v2 := t0, t0.Add(24*time.Hour)
	requests(t, s, rng, "GET /slow", "v1", v1, 400, 20*time.Millisecond)
	requests(t, s, rng, "GET /same", "v1", v1, 400, 5*time.Millisecond)
	requests(t, s, rng, "GET /faster", "v1", v1, 400, 50*time.Millisecond)
	requests(t, s, rng, "GET /gone", "v1", v1, 50, 5*time.Millisecond)
	requests(t, s, rng, "GET /slow", "v2", v2, 300, 40*time.Millisecond)
	requests(t, s, rng, "GET /same", "v2", v2, 300, 5*time.Millisecond)
	requests(t, s, rng, "GET /faster", "v2", v2, 300, 25*time.Millisecond)
	requests(t, s, rng, "GET /new", "v2", v2, 50, 5*time.Millisecond)
	ciRun(t, s, rng, "v1", v1.Add(-time.Hour), nil)
	ciRun(t, s, rng, "v2", v2.Add(-time.Hour), map[string]float64{"BenchmarkSlow": 2, "allocs/op": 1.2, "MB/s": 0.5,
		"widgets/op": 2, "TestSlow": 2, "TestFaster": 0.5, "B/op": 1.01})

	r, err := Compare(context.Background(), s, "svc", "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.From != "v1" || r.To != "v2" || r.Alpha != 0.05 || r.MinChange != 0.05 {
		t.Fatalf("compared %s to %s at alpha %v, min change %v", r.From, r.To, r.Alpha, r.MinChange)
	}
	cases := []struct {
		list    []Comparison
		name    string
		metric  string
		verdict string
	}{
		{r.Endpoints, "GET /slow", "duration", Regression},
		{r.Endpoints, "GET /same", "duration", Unchanged},
		{r.Endpoints, "GET /faster", "duration", Improvement},
		{r.Benchmarks, "BenchmarkSlow-2", "ns/op", Regression},
		{r.Benchmarks, "BenchmarkSlow-2", "B/op", Unchanged},
		{r.Benchmarks, "BenchmarkSame-2", "ns/op", Unchanged},
		{r.Benchmarks, "BenchmarkSame-2", "allocs/op", Regression},
		{r.Benchmarks, "BenchmarkSame-2", "MB/s", Regression},
		{r.Benchmarks, "BenchmarkSame-2", "widgets/op", Changed},
		{r.Benchmarks, "BenchmarkSame-2", "B/op", Unchanged}, // 1% more: real, but below the minimum effect
		{r.Tests, "TestSlow", "duration", Regression},
		{r.Tests, "TestSame", "duration", Unchanged},
		{r.Tests, "TestFaster", "duration", Improvement},
		{r.Tests, "TestZero", "duration", Unchanged},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s", c.name, c.metric), func(t *testing.T) {
			cmp := find(c.list, c.name, c.metric)
			if cmp == nil {
				t.Fatalf("not compared")
			}
			if cmp.Verdict != c.verdict || cmp.Significant != (c.verdict != Unchanged) {
				t.Errorf("%+v\nwant verdict %s", *cmp, c.verdict)
			}
		})
	}
	if c := find(r.Benchmarks, "BenchmarkSame-2", "B/op"); c == nil || c.PValue >= 0.05 {
		t.Errorf("a constant 1%% change has p %v, want < 0.05 (then held back by the minimum effect)", c.PValue)
	}
	slow := find(r.Endpoints, "GET /slow", "duration")
	if slow.FromN != 400 || slow.ToN != 300 || math.Abs(slow.FromMedian-20) > 2 || math.Abs(slow.ToMedian-40) > 4 ||
		slow.FromP95 == nil || *slow.FromP95 <= slow.FromMedian || math.Abs(*slow.Ratio-2) > 0.3 || math.Abs(*slow.ChangePercent-100) > 30 {
		t.Errorf("GET /slow: %+v", *slow)
	}
	if find(r.Endpoints, "GET /gone", "duration") != nil || find(r.Endpoints, "GET /new", "duration") != nil {
		t.Error("an endpoint of one version only was compared")
	}
	if find(r.Tests, "TestBroken", "duration") != nil {
		t.Error("a test that never passed was compared")
	}
	if b := find(r.Benchmarks, "BenchmarkSlow-2", "ns/op"); b.FromP95 != nil || b.Test != "exact" || b.FromN != 6 {
		t.Errorf("benchmark: %+v; want no p95 and the exact test on 6 samples", *b)
	}
	if zero := find(r.Tests, "TestZero", "duration"); zero.Ratio != nil || zero.Test != "none" || zero.PValue != 1 {
		t.Errorf("test of 0 ms: %+v", *zero)
	}
	// Regressions first, in every list.
	for _, list := range [][]Comparison{r.Endpoints, r.Benchmarks, r.Tests} {
		if list[0].Verdict != Regression {
			t.Errorf("first of the list is %s %s", list[0].Name, list[0].Verdict)
		}
		for i := 1; i < len(list); i++ {
			if verdictRank[list[i-1].Verdict] > verdictRank[list[i].Verdict] {
				t.Errorf("%s (%s) before %s (%s)", list[i-1].Name, list[i-1].Verdict, list[i].Name, list[i].Verdict)
			}
		}
	}
	// GET /slow, BenchmarkSlow ns/op, BenchmarkSame allocs/op and MB/s,
	// TestSlow; GET /faster and TestFaster.
	if r.Regressions != 5 || r.Improvements != 2 {
		t.Errorf("%d regressions and %d improvements, want 5 and 2", r.Regressions, r.Improvements)
	}
}

func TestComparePairs(t *testing.T) {
	s := memStore(t)
	rng := rand.New(rand.NewPCG(5, 6))
	ctx := context.Background()
	if r, err := Compare(ctx, s, "svc", "", "", Options{}); err != nil || r.Note == "" || r.From != "" {
		t.Errorf("no versions: %+v, %v", r, err)
	}
	ciRun(t, s, rng, "v1", t0, nil)
	if r, err := Compare(ctx, s, "svc", "", "", Options{}); err != nil || r.Note == "" || r.To != "v1" {
		t.Errorf("one version: %+v, %v", r, err)
	}
	requests(t, s, rng, "GET /a", "v2", t0.Add(time.Hour), 10, time.Millisecond) // served, no CI run
	ciRun(t, s, rng, "v3", t0.Add(2*time.Hour), nil)
	vs, err := Versions(ctx, s, "svc")
	if err != nil || len(vs) != 3 || vs[0].Name != "v1" || vs[1].Name != "v2" || !vs[1].Requests || vs[1].CIRuns != 0 || vs[2].CIRuns != 1 {
		t.Fatalf("Versions = %+v, %v", vs, err)
	}
	cases := []struct{ from, to, wantFrom, wantTo string }{
		{"", "", "v2", "v3"},
		{"v1", "", "v1", "v3"},
		{"", "v2", "v1", "v2"},
		{"v3", "v1", "v3", "v1"},
	}
	for _, c := range cases {
		r, err := Compare(ctx, s, "svc", c.from, c.to, Options{})
		if err != nil || r.From != c.wantFrom || r.To != c.wantTo {
			t.Errorf("Compare(%q, %q) compared %q and %q, %v; want %q and %q", c.from, c.to, r.From, r.To, err, c.wantFrom, c.wantTo)
		}
	}
	if _, err := Compare(ctx, s, "svc", "v9", "", Options{}); !errors.Is(err, ErrUnknownVersion) {
		t.Errorf("unknown version: %v", err)
	}
}

// TestMinimumEffect: with many requests, a 2% shift has a tiny p-value but
// is not flagged.
func TestMinimumEffect(t *testing.T) {
	s := memStore(t)
	rng := rand.New(rand.NewPCG(7, 8))
	requests(t, s, rng, "GET /a", "v1", t0, 20000, 10*time.Millisecond)
	requests(t, s, rng, "GET /a", "v2", t0.Add(24*time.Hour), 20000, 10300*time.Microsecond)
	r, err := Compare(context.Background(), s, "svc", "v1", "v2", Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := find(r.Endpoints, "GET /a", "duration")
	if c == nil || c.PValue >= 0.001 || c.Significant {
		t.Errorf("3%% shift on 20000 requests: %+v; want p < 0.001 and not significant", c)
	}
	r, err = Compare(context.Background(), s, "svc", "v1", "v2", Options{MinChange: 0.01})
	if c := find(r.Endpoints, "GET /a", "duration"); err != nil || !c.Significant || c.Verdict != Regression {
		t.Errorf("with a 1%% minimum: %+v, %v", c, err)
	}
}

func TestHistories(t *testing.T) {
	s := memStore(t)
	rng := rand.New(rand.NewPCG(9, 10))
	ctx := context.Background()
	ciRun(t, s, rng, "v1", t0, nil)
	ciRun(t, s, rng, "v2", t0.Add(time.Hour), map[string]float64{"TestSlow": 3, "TestFaster": 0.5, "BenchmarkSlow": 2})
	ciRun(t, s, rng, "v2", t0.Add(2*time.Hour), map[string]float64{"TestSlow": 3, "TestFaster": 0.5, "BenchmarkSlow": 2})

	h, err := TestHistory(ctx, s, "svc", "p", "TestSlow")
	if err != nil || len(h.Versions) != 2 || h.Versions[0].Version != "v1" || h.Versions[1].N != 12 {
		t.Fatalf("TestHistory = %+v, %v", h, err)
	}
	if m := h.Versions[1].Median / h.Versions[0].Median; m < 2.5 || m > 3.5 {
		t.Errorf("TestSlow medians %v then %v, want about 3x", h.Versions[0].Median, h.Versions[1].Median)
	}
	b := h.Versions[1].Box
	if !(b.Min <= b.Q1 && b.Q1 <= b.Median && b.Median <= b.Q3 && b.Q3 <= b.Max) {
		t.Errorf("box out of order: %+v", b)
	}

	bs, err := BenchmarkHistory(ctx, s, "svc", "p", "BenchmarkSame", 2)
	if err != nil || len(bs) != 5 || bs[0].Metric != "ns/op" || bs[1].Metric != "B/op" || bs[2].Metric != "allocs/op" || bs[0].Name != "BenchmarkSame-2" {
		t.Fatalf("BenchmarkHistory = %+v, %v", bs, err)
	}
	if none, _ := BenchmarkHistory(ctx, s, "svc", "p", "BenchmarkSame", 8); len(none) != 0 {
		t.Errorf("another GOMAXPROCS: %+v", none)
	}

	tests, version, err := Tests(ctx, s, "svc", "")
	if err != nil || version != "v2" || len(tests) != 5 || tests[0].Name != "TestSlow" || tests[0].Passed != 12 {
		t.Fatalf("Tests = %+v, %q, %v", tests, version, err)
	}
	var last TestSummary
	for _, x := range tests {
		if x.Name == "TestBroken" {
			last = x
		}
	}
	if last.Name != "TestBroken" || last.Failed != 2 || last.Passed != 0 {
		t.Errorf("failing test summary: %+v", tests)
	}

	changes, from, to, err := TestChanges(ctx, s, "svc", Options{})
	if err != nil || from != "v1" || to != "v2" || len(changes) != 4 || changes[0].Name != "TestSlow" || changes[1].Name != "TestFaster" {
		t.Fatalf("TestChanges = %+v, %q %q, %v", changes, from, to, err)
	}

	list, err := Benchmarks(ctx, s, "svc")
	if err != nil || len(list) != 2 || list[0].Name != "BenchmarkSame" || list[1].Name != "BenchmarkSlow" ||
		list[1].Version != "v2" || list[1].Samples != 12 || list[1].Versions != 2 || list[1].MedianNs < 1500 {
		t.Errorf("Benchmarks = %+v, %v", list, err)
	}
}

func TestQuantile(t *testing.T) {
	// NumPy: np.quantile([3, 1, 4, 1, 5, 9, 2, 6], q) with the default
	// linear method.
	xs := []float64{3, 1, 4, 1, 5, 9, 2, 6}
	for q, want := range map[float64]float64{0: 1, 0.25: 1.75, 0.5: 3.5, 0.75: 5.25, 0.95: 7.95, 1: 9} {
		if got := Quantile(xs, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if !math.IsNaN(Median(nil)) || Median([]float64{7}) != 7 {
		t.Error("degenerate samples")
	}
	if xs[0] != 3 {
		t.Error("Quantile sorted its input")
	}
}
