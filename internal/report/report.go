// Package report compares two versions of a service: its endpoints (from
// the hourly histograms of live requests), and its benchmarks and tests
// (from the results CI uploaded). For each, it gives both medians, the
// change, and a Mann-Whitney U test that says whether the change is more
// than noise.
//
// # Method
//
// Benchmarks: every -count sample of every run uploaded for a version is
// one observation, for each metric (ns/op, B/op, allocs/op, MB/s, custom
// units) of each benchmark (package, name and GOMAXPROCS). Tests: the
// elapsed time of every passing run of the test (go test reports it to
// 10 ms). Both are tested on the raw samples: exactly for small samples
// without ties, else with the normal approximation corrected for ties.
//
// Endpoints: the requests of each version are summed from the hourly
// rollups into one log-scale histogram (buckets about 4% wide, see
// store.Histogram), and the test treats each bucket as a group of tied
// values at the bucket's representative duration. This is the exact U
// test of the durations rounded to their buckets; rounding can only hide
// differences smaller than a bucket, which the minimum effect below
// ignores anyway. Medians and p95 are read from the same histograms
// (within 2%).
//
// A change is significant when p < Alpha (0.05) and the median moved by
// at least MinChange (5%): with hundreds of thousands of requests, tiny
// shifts have tiny p-values but do not matter. A significant change is a
// regression when the metric got worse (more time, bytes or allocations,
// fewer MB/s), an improvement when it got better, and "changed" for
// custom units whose direction is unknown.
package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/stats"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Defaults of Options.
const (
	DefaultAlpha     = 0.05
	DefaultMinChange = 0.05
)

// Options tune the comparison. Zero fields take the defaults.
type Options struct {
	Alpha     float64 // significance level of the two-sided test
	MinChange float64 // smallest relative change of the median that counts
}

func (o Options) withDefaults() Options {
	if o.Alpha <= 0 || o.Alpha >= 1 {
		o.Alpha = DefaultAlpha
	}
	if o.MinChange <= 0 {
		o.MinChange = DefaultMinChange
	}
	return o
}

// Verdicts of a comparison.
const (
	Regression  = "regression"
	Improvement = "improvement"
	Changed     = "changed" // significant, but the unit does not say which way is better
	Unchanged   = "unchanged"
)

// Kinds of compared things.
const (
	KindEndpoint  = "endpoint"
	KindBenchmark = "benchmark"
	KindTest      = "test"
)

// Comparison is one endpoint, benchmark metric or test in two versions.
type Comparison struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`              // endpoint pattern, benchmark name with -procs, test name
	Package string `json:"package,omitempty"` // benchmarks and tests
	Procs   int    `json:"procs,omitempty"`   // benchmarks: GOMAXPROCS
	Metric  string `json:"metric"`            // "duration" or a benchmark unit such as "ns/op"
	Unit    string `json:"unit"`              // of the medians: "ms" or the benchmark unit

	FromN      int64    `json:"from_n"`
	ToN        int64    `json:"to_n"`
	FromMedian float64  `json:"from_median"`
	ToMedian   float64  `json:"to_median"`
	FromP95    *float64 `json:"from_p95,omitempty"` // endpoints and tests
	ToP95      *float64 `json:"to_p95,omitempty"`
	// Ratio is ToMedian / FromMedian; absent when FromMedian is 0.
	Ratio *float64 `json:"ratio,omitempty"`
	// ChangePercent is (Ratio - 1) * 100; absent with Ratio.
	ChangePercent *float64 `json:"change_percent,omitempty"`
	PValue        float64  `json:"p_value"`
	Test          string   `json:"test"` // "exact", "normal" or "none"
	Significant   bool     `json:"significant"`
	Verdict       string   `json:"verdict"`
}

// Version is a version that can be compared.
type Version struct {
	Name      string    `json:"name"`
	FirstSeen time.Time `json:"first_seen"` // first request or upload
	Requests  bool      `json:"requests"`   // it served requests
	CIRuns    int       `json:"ci_runs"`    // CI runs uploaded for it
}

// Report compares version From (the older) with To.
type Report struct {
	Service   string    `json:"service"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Versions  []Version `json:"versions"` // every version, oldest first
	Alpha     float64   `json:"alpha"`
	MinChange float64   `json:"min_change"`
	Method    string    `json:"method"`
	Note      string    `json:"note,omitempty"`

	Regressions  int `json:"regressions"`
	Improvements int `json:"improvements"`

	// Each list has significant regressions first (largest change
	// first), then improvements, other changes, and the unchanged.
	Endpoints  []Comparison `json:"endpoints"`
	Benchmarks []Comparison `json:"benchmarks"`
	Tests      []Comparison `json:"tests"`
}

// Method describes the statistics in one sentence, for the API and page.
const Method = "two-sided Mann-Whitney U test: benchmarks and tests on their samples (exact when small and without ties), " +
	"endpoints on their hourly log-scale histograms with each bucket a group of ties; significant when p < alpha " +
	"and the median changed by at least min_change"

// ErrUnknownVersion is wrapped by Compare's error for a version with
// neither requests nor CI runs.
var ErrUnknownVersion = fmt.Errorf("unknown version")

// Versions lists the versions of a service that have requests or CI runs,
// by first sight, oldest first.
func Versions(ctx context.Context, s store.Store, service string) ([]Version, error) {
	served, err := s.Versions(ctx, service)
	if err != nil {
		return nil, err
	}
	ci, err := s.CIVersions(ctx, service)
	if err != nil {
		return nil, err
	}
	m := map[string]*Version{}
	var out []*Version
	get := func(name string, at time.Time) *Version {
		v := m[name]
		if v == nil {
			v = &Version{Name: name, FirstSeen: at}
			m[name] = v
			out = append(out, v)
		}
		if at.Before(v.FirstSeen) {
			v.FirstSeen = at
		}
		return v
	}
	for _, v := range served {
		get(v.Name, v.FirstSeen).Requests = true
	}
	for _, v := range ci {
		get(v.Name, v.FirstUploaded).CIRuns = v.Runs
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FirstSeen.Before(out[j].FirstSeen) })
	res := make([]Version, len(out))
	for i, v := range out {
		res[i] = *v
		res[i].FirstSeen = v.FirstSeen.UTC()
	}
	return res, nil
}

// Compare builds the report of from against to. Empty names pick the
// newest version (to) and the one before it (from).
func Compare(ctx context.Context, s store.Store, service, from, to string, o Options) (*Report, error) {
	o = o.withDefaults()
	vs, err := Versions(ctx, s, service)
	if err != nil {
		return nil, err
	}
	r := &Report{Service: service, Versions: vs, Alpha: o.Alpha, MinChange: o.MinChange, Method: Method,
		Endpoints: []Comparison{}, Benchmarks: []Comparison{}, Tests: []Comparison{}}
	known := map[string]bool{}
	for _, v := range vs {
		known[v.Name] = true
	}
	for _, name := range []string{from, to} {
		if name != "" && !known[name] {
			return nil, fmt.Errorf("%w %q: it has neither requests nor CI runs", ErrUnknownVersion, name)
		}
	}
	switch {
	case to == "" && len(vs) > 0:
		to = vs[len(vs)-1].Name
	}
	if from == "" {
		// The version before to.
		for i, v := range vs {
			if v.Name == to && i > 0 {
				from = vs[i-1].Name
			}
		}
	}
	r.From, r.To = from, to
	if from == "" || to == "" {
		r.Note = "fewer than two versions to compare"
		return r, nil
	}
	if from == to {
		r.Note = "the same version on both sides"
	}
	if r.Endpoints, err = compareEndpoints(ctx, s, service, vs, from, to, o); err != nil {
		return nil, err
	}
	if r.Benchmarks, err = compareBenchmarks(ctx, s, service, from, to, o); err != nil {
		return nil, err
	}
	if r.Tests, err = compareTests(ctx, s, service, from, to, o); err != nil {
		return nil, err
	}
	for _, list := range [][]Comparison{r.Endpoints, r.Benchmarks, r.Tests} {
		for _, c := range list {
			switch c.Verdict {
			case Regression:
				r.Regressions++
			case Improvement:
				r.Improvements++
			}
		}
	}
	return r, nil
}

// direction returns +1 when a larger value of the metric is worse, -1
// when it is better, 0 when unknown.
func direction(metric string) int {
	switch {
	case metric == "duration", metric == "ns/op", metric == "sec/op", metric == "B/op", metric == "allocs/op":
		return 1
	case strings.HasSuffix(metric, "/s"):
		return -1
	case strings.HasSuffix(metric, "-ns/op"), strings.HasSuffix(metric, "-ms/op"), strings.HasSuffix(metric, "-s/op"):
		return 1 // latencies reported with b.ReportMetric, e.g. p99-ns/op
	}
	return 0
}

// judge fills the test result, change and verdict of c.
func judge(c *Comparison, res stats.Result, o Options) {
	c.PValue, c.Test = res.P, string(res.Method)
	if c.FromMedian != 0 {
		ratio := c.ToMedian / c.FromMedian
		pct := (ratio - 1) * 100
		c.Ratio, c.ChangePercent = &ratio, &pct
	}
	big := false
	switch {
	case c.Ratio != nil:
		big = math.Abs(*c.Ratio-1) >= o.MinChange
	default:
		big = c.ToMedian != 0 // from nothing to something
	}
	c.Significant = res.Method != stats.None && res.P < o.Alpha && big
	c.Verdict = Unchanged
	if !c.Significant {
		return
	}
	worse := c.ToMedian > c.FromMedian
	switch d := direction(c.Metric); {
	case d == 0:
		c.Verdict = Changed
	case (d > 0) == worse:
		c.Verdict = Regression
	default:
		c.Verdict = Improvement
	}
}

var verdictRank = map[string]int{Regression: 0, Improvement: 1, Changed: 2, Unchanged: 3}

// order sorts regressions first, each group by the size of its change,
// the unchanged by name.
func order(cs []Comparison) {
	size := func(c *Comparison) float64 {
		if c.Ratio == nil {
			return math.Inf(1)
		}
		return math.Abs(math.Log(math.Max(*c.Ratio, 1e-300)))
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := &cs[i], &cs[j]
		if ra, rb := verdictRank[a.Verdict], verdictRank[b.Verdict]; ra != rb {
			return ra < rb
		}
		if a.Verdict != Unchanged {
			if sa, sb := size(a), size(b); sa != sb {
				return sa > sb
			}
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Metric < b.Metric
	})
}

func ptr(f float64) *float64 { return &f }
