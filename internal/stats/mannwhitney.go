// Package stats holds the statistics the version report needs: the
// Mann-Whitney U test, which says whether two samples (the durations of a
// test, the ns/op of a benchmark, the request times of an endpoint in two
// versions) come from distributions that differ, without assuming they
// are normal. Benchmark and latency samples are skewed and have outliers,
// so a rank test is the right tool, and it is what benchstat uses.
package stats

import (
	"math"
	"sort"
)

// Method says how a p-value was computed.
type Method string

// Methods.
const (
	// Exact sums the exact distribution of U under the null hypothesis.
	// Used when neither sample has more than ExactLimit values and there
	// are no ties, as R's wilcox.test does.
	Exact Method = "exact"
	// Normal uses the normal approximation of U, with the variance
	// corrected for ties and a continuity correction of 0.5.
	Normal Method = "normal"
	// None means no test was possible: a sample is empty, or every value
	// of both samples is the same.
	None Method = "none"
)

// ExactLimit is the largest sample size for which the exact distribution
// is used.
const ExactLimit = 50

// Result of a two-sided Mann-Whitney U test of x against y.
type Result struct {
	N1, N2 int64
	// U is the U statistic of x: the number of pairs (x_i, y_j) with
	// x_i > y_j, ties counting one half. N1*N2 - U is y's.
	U float64
	// Z is the standardized statistic of the normal approximation (with
	// the continuity correction), 0 when the method is exact.
	Z float64
	// P is the two-sided p-value: the probability, if both samples come
	// from one distribution, of a U at least as far from N1*N2/2. 1 when
	// no test was possible.
	P      float64
	Method Method
}

// Value is a value seen Count times. Histogram buckets are Values.
type Value struct {
	V     float64
	Count int64
}

// MannWhitney tests the samples x and y. NaNs are ignored.
func MannWhitney(x, y []float64) Result {
	return MannWhitneyCounts(counted(x), counted(y))
}

func counted(xs []float64) []Value {
	out := make([]Value, 0, len(xs))
	for _, v := range xs {
		if !math.IsNaN(v) {
			out = append(out, Value{v, 1})
		}
	}
	return out
}

// MannWhitneyCounts tests samples given as values with counts, such as
// two histograms whose buckets are the values: each bucket is then a
// group of tied values, which the tie correction accounts for. Values
// with a count of 0 or less, and NaNs, are ignored.
func MannWhitneyCounts(x, y []Value) Result {
	type group struct {
		v    float64
		a, b float64 // counts from x and from y
	}
	var gs []group
	var n1, n2 int64
	for _, s := range []struct {
		vals []Value
		isX  bool
	}{{x, true}, {y, false}} {
		for _, v := range s.vals {
			if v.Count <= 0 || math.IsNaN(v.V) {
				continue
			}
			g := group{v: v.V}
			if s.isX {
				g.a, n1 = float64(v.Count), n1+v.Count
			} else {
				g.b, n2 = float64(v.Count), n2+v.Count
			}
			gs = append(gs, g)
		}
	}
	res := Result{N1: n1, N2: n2, P: 1, Method: None}
	if n1 == 0 || n2 == 0 {
		return res
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].v < gs[j].v })
	// Merge equal values into tie groups, then count for each x value the
	// y values below it, and half the y values equal to it.
	merged := gs[:0]
	for _, g := range gs {
		if k := len(merged) - 1; k >= 0 && merged[k].v == g.v {
			merged[k].a += g.a
			merged[k].b += g.b
			continue
		}
		merged = append(merged, g)
	}
	var u, yBelow, ties float64
	tied := false
	for _, g := range merged {
		u += g.a * (yBelow + g.b/2)
		yBelow += g.b
		if t := g.a + g.b; t > 1 {
			tied = true
			ties += t*t*t - t
		}
	}
	res.U = u
	if !tied && n1 <= ExactLimit && n2 <= ExactLimit {
		res.P = exactP(int(n1), int(n2), u)
		res.Method = Exact
		return res
	}
	f1, f2 := float64(n1), float64(n2)
	n := f1 + f2
	mean := f1 * f2 / 2
	variance := f1 * f2 / 12 * ((n + 1) - ties/(n*(n-1)))
	if variance <= 0 {
		return res // every value is the same: nothing to tell apart
	}
	d := u - mean
	// Continuity correction: move half a step towards the mean.
	switch {
	case d > 0:
		d = math.Max(0, d-0.5)
	case d < 0:
		d = math.Min(0, d+0.5)
	}
	res.Z = d / math.Sqrt(variance)
	res.P = math.Min(1, math.Erfc(math.Abs(res.Z)/math.Sqrt2))
	res.Method = Normal
	return res
}

// exactP returns the two-sided p-value of U = u for samples of sizes m and
// n without ties: twice the smaller tail of the exact null distribution,
// at most 1.
func exactP(m, n int, u float64) float64 {
	dist := uDistribution(m, n)
	k := int(math.Round(u))
	var lo, hi float64
	for i, p := range dist {
		if i <= k {
			lo += p
		}
		if i >= k {
			hi += p
		}
	}
	return math.Min(1, 2*math.Min(lo, hi))
}

// uDistribution returns P(U = u) for u = 0..m*n when both samples come
// from one continuous distribution, so that all C(m+n, m) orders of the
// pooled sample are equally likely.
//
// c(i, j)[u] counts the orders of i x values and j y values with U = u.
// The largest value is either an x, which beats all j y values, or a y,
// which beats none: c(i, j)[u] = c(i-1, j)[u-j] + c(i, j-1)[u]. The
// counts are divided by C(i+j, i) as they go, so they stay probabilities
// and never overflow: p(i, j) = i/(i+j) p(i-1, j)[u-j] + j/(i+j) p(i, j-1)[u].
func uDistribution(m, n int) []float64 {
	// p[i] holds p(i, j) for the current j.
	p := make([][]float64, m+1)
	for i := range p {
		p[i] = make([]float64, i*n+1)
	}
	// j = 0: no y values, U is 0.
	for i := 0; i <= m; i++ {
		clear(p[i])
		p[i][0] = 1
	}
	for j := 1; j <= n; j++ {
		// p[0] stays [1]: no x values, U is 0. Go up in i so that p[i-1]
		// already holds p(i-1, j) while p[i] still holds p(i, j-1).
		for i := 1; i <= m; i++ {
			// In place: p[i][u] is read only to write p[i][u].
			wx := float64(i) / float64(i+j)
			wy := float64(j) / float64(i+j)
			for u := i * j; u >= 0; u-- {
				var v float64
				if u-j >= 0 {
					v = wx * p[i-1][u-j]
				}
				if u <= i*(j-1) {
					v += wy * p[i][u]
				}
				p[i][u] = v
			}
		}
	}
	return p[m][:m*n+1]
}
