package report

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/stats"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// compareEndpoints compares every endpoint that served requests in both
// versions, on their histograms summed over all hours and instances.
func compareEndpoints(ctx context.Context, s store.Store, service string, vs []Version, from, to string, o Options) ([]Comparison, error) {
	// Rollups of a version start at its first request: read from the
	// hour the older of the two was first seen.
	var since time.Time
	for _, v := range vs {
		if (v.Name == from || v.Name == to) && v.Requests && (since.IsZero() || v.FirstSeen.Before(since)) {
			since = v.FirstSeen
		}
	}
	if since.IsZero() {
		return []Comparison{}, nil
	}
	// Summed in the database: one rollup, with its histogram, per
	// endpoint and version.
	rus, err := s.SumRollups(ctx, store.SumFilter{Service: service, Since: store.HourOf(since), By: store.ByEndpoint | store.ByVersion, Hist: true})
	if err != nil {
		return nil, err
	}
	type pair struct{ a, b *store.Rollup }
	per := map[string]*pair{}
	for i := range rus {
		ru := &rus[i]
		if ru.Version != from && ru.Version != to {
			continue
		}
		p := per[ru.Endpoint]
		if p == nil {
			p = &pair{}
			per[ru.Endpoint] = p
		}
		if ru.Version == from {
			p.a = ru
		}
		if ru.Version == to {
			p.b = ru
		}
	}
	out := []Comparison{}
	for name, p := range per {
		if p.a == nil || p.b == nil || p.a.Count == 0 || p.b.Count == 0 {
			continue
		}
		qa := p.a.Hist.Quantiles(p.a.Min, p.a.Max, 0.5, 0.95)
		qb := p.b.Hist.Quantiles(p.b.Min, p.b.Max, 0.5, 0.95)
		c := Comparison{Kind: KindEndpoint, Name: name, Metric: "duration", Unit: "ms",
			FromN: p.a.Count, ToN: p.b.Count, FromMedian: ms(qa[0]), ToMedian: ms(qb[0]),
			FromP95: ptr(ms(qa[1])), ToP95: ptr(ms(qb[1]))}
		judge(&c, stats.MannWhitneyCounts(buckets(p.a.Hist), buckets(p.b.Hist)), o)
		out = append(out, c)
	}
	order(out)
	return out, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// buckets turns a histogram into values with counts, each bucket at its
// representative duration.
func buckets(h store.Histogram) []stats.Value {
	out := make([]stats.Value, 0, len(h))
	for b, n := range h {
		out = append(out, stats.Value{V: float64(store.BucketValue(b)), Count: n})
	}
	return out
}

type benchKey struct {
	pkg, name string
	procs     int
	unit      string
}

// compareBenchmarks compares every metric of every benchmark that has
// results in both versions.
func compareBenchmarks(ctx context.Context, s store.Store, service, from, to string, o Options) ([]Comparison, error) {
	var samples paired[benchKey]
	err := s.CIBenchmarks(ctx, store.CIFilter{Service: service, Versions: []string{from, to}}, func(b *store.CIBenchmark) error {
		side := 0
		if b.Version == to {
			side = 1
		}
		for _, m := range b.Metrics {
			samples.add(benchKey{b.Package, b.Name, b.Procs, m.Unit}, side, m.Value)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []Comparison{}
	for k, v := range samples.both() {
		c := Comparison{Kind: KindBenchmark, Name: BenchmarkName(k.name, k.procs), Package: k.pkg, Procs: k.procs, Metric: k.unit, Unit: k.unit,
			FromN: int64(len(v[0])), ToN: int64(len(v[1])), FromMedian: Median(v[0]), ToMedian: Median(v[1])}
		judge(&c, stats.MannWhitney(v[0], v[1]), o)
		out = append(out, c)
	}
	order(out)
	return out, nil
}

// BenchmarkName is a benchmark's name as go test prints it, with the
// -GOMAXPROCS suffix when GOMAXPROCS was not 1.
func BenchmarkName(name string, procs int) string {
	if procs <= 1 {
		return name
	}
	return fmt.Sprintf("%s-%d", name, procs)
}

type testKey struct{ pkg, name string }

// compareTests compares the durations of the passing runs of every test
// that passed in both versions.
func compareTests(ctx context.Context, s store.Store, service, from, to string, o Options) ([]Comparison, error) {
	var samples paired[testKey]
	err := s.CITests(ctx, store.CIFilter{Service: service, Versions: []string{from, to}}, func(t *store.CITest) error {
		if t.Outcome != store.CIPass {
			return nil
		}
		side := 0
		if t.Version == to {
			side = 1
		}
		samples.add(testKey{t.Package, t.Name}, side, ms(t.Elapsed))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []Comparison{}
	for k, v := range samples.both() {
		c := Comparison{Kind: KindTest, Name: k.name, Package: k.pkg, Metric: "duration", Unit: "ms",
			FromN: int64(len(v[0])), ToN: int64(len(v[1])), FromMedian: Median(v[0]), ToMedian: Median(v[1]),
			FromP95: ptr(Quantile(v[0], 0.95)), ToP95: ptr(Quantile(v[1], 0.95))}
		judge(&c, stats.MannWhitney(v[0], v[1]), o)
		out = append(out, c)
	}
	order(out)
	return out, nil
}

// paired collects the samples of two versions (sides 0 and 1) per key,
// keeping the order in which keys were first seen.
type paired[K comparable] struct {
	m    map[K]*[2][]float64
	keys []K
}

func (p *paired[K]) add(k K, side int, v float64) {
	if p.m == nil {
		p.m = map[K]*[2][]float64{}
	}
	s := p.m[k]
	if s == nil {
		s = &[2][]float64{}
		p.m[k] = s
		p.keys = append(p.keys, k)
	}
	s[side] = append(s[side], v)
}

// both yields the keys with samples on both sides.
func (p *paired[K]) both() iter.Seq2[K, [2][]float64] {
	return func(yield func(K, [2][]float64) bool) {
		for _, k := range p.keys {
			if s := p.m[k]; len(s[0]) > 0 && len(s[1]) > 0 && !yield(k, *s) {
				return
			}
		}
	}
}
