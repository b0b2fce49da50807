package report

import (
	"context"
	"math"
	"sort"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Series is one test's duration, or one metric of one benchmark, in
// every version that has results, oldest version first.
type Series struct {
	Kind     string
	Package  string
	Name     string // benchmarks: with the -procs suffix
	Metric   string // "duration" or a benchmark unit
	Unit     string // "ms" or the benchmark unit
	Versions []VersionBox
}

// VersionBox is the summary of one version's samples.
type VersionBox struct {
	Version string
	Box
}

// ciOrder returns the CI versions of a service, oldest first, as an index.
func ciOrder(ctx context.Context, s store.Store, service string) ([]string, map[string]int, error) {
	vs, err := s.CIVersions(ctx, service)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, len(vs))
	idx := make(map[string]int, len(vs))
	for i, v := range vs {
		names[i] = v.Name
		idx[v.Name] = i
	}
	return names, idx, nil
}

func seriesOf(names []string, samples [][]float64) []VersionBox {
	var out []VersionBox
	for i, xs := range samples {
		if len(xs) > 0 {
			out = append(out, VersionBox{Version: names[i], Box: BoxOf(xs)})
		}
	}
	return out
}

// TestHistory returns the durations (ms) of a test's passing runs per
// version. A test without results has no versions.
func TestHistory(ctx context.Context, s store.Store, service, pkg, name string) (*Series, error) {
	names, idx, err := ciOrder(ctx, s, service)
	if err != nil {
		return nil, err
	}
	samples := make([][]float64, len(names))
	err = s.CITests(ctx, store.CIFilter{Service: service, Package: pkg, Name: name}, func(t *store.CITest) error {
		if i, ok := idx[t.Version]; ok && t.Outcome == store.CIPass {
			samples[i] = append(samples[i], ms(t.Elapsed))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Series{Kind: KindTest, Package: pkg, Name: name, Metric: "duration", Unit: "ms", Versions: seriesOf(names, samples)}, nil
}

// BenchmarkHistory returns every metric of a benchmark (ns/op first) per
// version.
func BenchmarkHistory(ctx context.Context, s store.Store, service, pkg, name string, procs int) ([]Series, error) {
	names, idx, err := ciOrder(ctx, s, service)
	if err != nil {
		return nil, err
	}
	per := map[string][][]float64{}
	var units []string
	err = s.CIBenchmarks(ctx, store.CIFilter{Service: service, Package: pkg, Name: name}, func(b *store.CIBenchmark) error {
		i, ok := idx[b.Version]
		if !ok || b.Procs != procs {
			return nil
		}
		for _, m := range b.Metrics {
			xs := per[m.Unit]
			if xs == nil {
				xs = make([][]float64, len(names))
				units = append(units, m.Unit)
			}
			xs[i] = append(xs[i], m.Value)
			per[m.Unit] = xs
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rank := func(u string) int {
		switch u {
		case "ns/op":
			return 0
		case "B/op":
			return 1
		case "allocs/op":
			return 2
		}
		return 3
	}
	sort.SliceStable(units, func(i, j int) bool { return rank(units[i]) < rank(units[j]) })
	out := []Series{}
	for _, u := range units {
		out = append(out, Series{Kind: KindBenchmark, Package: pkg, Name: BenchmarkName(name, procs), Metric: u, Unit: u,
			Versions: seriesOf(names, per[u])})
	}
	return out, nil
}

// TestSummary is one test in one version.
type TestSummary struct {
	Package  string
	Name     string
	Version  string
	Passed   int     // passing runs, whose times are summarized
	Failed   int     // failed or unfinished runs
	MedianMs float64 // of the passing runs
	P95Ms    float64
	TotalMs  float64 // time spent in the passing runs together
}

// Tests summarizes every test of a version ("" for the newest version
// with CI runs), slowest median first. The version used is returned.
func Tests(ctx context.Context, s store.Store, service, version string) ([]TestSummary, string, error) {
	if version == "" {
		names, _, err := ciOrder(ctx, s, service)
		if err != nil {
			return nil, "", err
		}
		if len(names) == 0 {
			return nil, "", nil
		}
		version = names[len(names)-1]
	}
	type acc struct {
		sum    TestSummary
		passed []float64
	}
	per := map[testKey]*acc{}
	var keys []testKey
	err := s.CITests(ctx, store.CIFilter{Service: service, Versions: []string{version}}, func(t *store.CITest) error {
		k := testKey{t.Package, t.Name}
		a := per[k]
		if a == nil {
			a = &acc{sum: TestSummary{Package: t.Package, Name: t.Name, Version: version}}
			per[k] = a
			keys = append(keys, k)
		}
		switch t.Outcome {
		case store.CIPass:
			a.passed = append(a.passed, ms(t.Elapsed))
		case store.CISkip:
		default:
			a.sum.Failed++
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	out := make([]TestSummary, 0, len(keys))
	for _, k := range keys {
		a := per[k]
		a.sum.Passed = len(a.passed)
		if len(a.passed) > 0 {
			a.sum.MedianMs = Median(a.passed)
			a.sum.P95Ms = Quantile(a.passed, 0.95)
			for _, x := range a.passed {
				a.sum.TotalMs += x
			}
		} else if a.sum.Failed == 0 {
			continue // only skipped
		}
		out = append(out, a.sum)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].MedianMs != out[j].MedianMs {
			return out[i].MedianMs > out[j].MedianMs
		}
		return out[i].Package+" "+out[i].Name < out[j].Package+" "+out[j].Name
	})
	return out, version, nil
}

// TestChanges compares the tests of the last two versions with CI runs and
// returns them by the size of the change of their median, largest first,
// with the versions compared.
func TestChanges(ctx context.Context, s store.Store, service string, o Options) (changes []Comparison, from, to string, err error) {
	names, _, err := ciOrder(ctx, s, service)
	if err != nil || len(names) < 2 {
		return []Comparison{}, "", "", err
	}
	from, to = names[len(names)-2], names[len(names)-1]
	cs, err := compareTests(ctx, s, service, from, to, o.withDefaults())
	if err != nil {
		return nil, "", "", err
	}
	size := func(c *Comparison) float64 {
		// Change in log space, so that twice as slow and twice as fast
		// weigh the same; a test from 0 ms counts by its new time.
		if c.FromMedian <= 0 || c.ToMedian <= 0 {
			return math.Abs(c.ToMedian-c.FromMedian) / 10
		}
		return math.Abs(math.Log(c.ToMedian / c.FromMedian))
	}
	sort.SliceStable(cs, func(i, j int) bool { return size(&cs[i]) > size(&cs[j]) })
	return cs, from, to, nil
}

// BenchmarkSummary is one benchmark's ns/op in the newest version with
// results for it.
type BenchmarkSummary struct {
	Package  string
	Name     string // without the -procs suffix
	Procs    int
	Version  string
	Samples  int
	MedianNs float64 // ns/op; 0 when the benchmark reports no ns/op
	Versions int     // versions with results
}

// Benchmarks lists every benchmark of a service, by package and name.
func Benchmarks(ctx context.Context, s store.Store, service string) ([]BenchmarkSummary, error) {
	_, idx, err := ciOrder(ctx, s, service)
	if err != nil {
		return nil, err
	}
	type key struct {
		pkg, name string
		procs     int
	}
	type acc struct {
		newest   int
		ns       []float64
		samples  int
		versions map[int]bool
	}
	per := map[key]*acc{}
	err = s.CIBenchmarks(ctx, store.CIFilter{Service: service}, func(b *store.CIBenchmark) error {
		i, ok := idx[b.Version]
		if !ok {
			return nil
		}
		k := key{b.Package, b.Name, b.Procs}
		a := per[k]
		if a == nil {
			a = &acc{newest: -1, versions: map[int]bool{}}
			per[k] = a
		}
		a.versions[i] = true
		if i > a.newest {
			a.newest, a.ns, a.samples = i, nil, 0
		}
		if i == a.newest {
			a.samples++
			if v, ok := metric(b, "ns/op"); ok {
				a.ns = append(a.ns, v)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	names, _, err := ciOrder(ctx, s, service)
	if err != nil {
		return nil, err
	}
	out := make([]BenchmarkSummary, 0, len(per))
	for k, a := range per {
		bs := BenchmarkSummary{Package: k.pkg, Name: k.name, Procs: k.procs, Version: names[a.newest], Samples: a.samples, Versions: len(a.versions)}
		if len(a.ns) > 0 {
			bs.MedianNs = Median(a.ns)
		}
		out = append(out, bs)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Procs < b.Procs
	})
	return out, nil
}

func metric(b *store.CIBenchmark, unit string) (float64, bool) {
	for _, m := range b.Metrics {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}
