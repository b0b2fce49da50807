package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Reference values were computed with SciPy 1.10.1 (Debian's
// python3-scipy), scipy.stats.mannwhitneyu(x, y, alternative="two-sided")
// with method="exact", or method="asymptotic" and use_continuity=True,
// which is the same test: U of the first sample, tie-corrected variance,
// continuity correction of 0.5. The script is in testdata/reference.py.
func TestKnownValues(t *testing.T) {
	sample60, sample70 := lognormal60, lognormal70
	cases := []struct {
		name   string
		x, y   []float64
		u, p   float64
		method Method
	}{
		{"separated 5 and 5", []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 0, 0.007936507936507936, Exact},
		{"interleaved 5 and 5", []float64{1.1, 2.2, 3.3, 4.4, 5.5}, []float64{1.5, 2.5, 3.5, 4.5, 5.6}, 10, 0.6904761904761905, Exact},
		{"4 and 6", []float64{0.8, 1.9, 2.7, 4.1}, []float64{1.2, 3.3, 3.9, 5.0, 6.2, 7.7}, 5, 0.17142857142857143, Exact},
		{"7 and 9 ns/op", []float64{101.2, 99.8, 100.5, 102.3, 98.7, 100.1, 101.7},
			[]float64{103.4, 99.9, 104.2, 105.1, 102.8, 101.9, 106.3, 100.7, 103.0}, 9, 0.016433566433566436, Exact},
		{"60 and 70, normal approximation", sample60, sample70, 1551, 0.010419894256650422, Normal},
		{"ties, normal approximation", []float64{1, 1, 2, 2, 2, 3, 5, 5}, []float64{2, 3, 3, 4, 4, 5, 6, 6, 6}, 14.5, 0.040255797215226034, Normal},
		{"constant groups (allocs/op 5 against 6)", []float64{5, 5, 5, 5, 5}, []float64{6, 6, 6, 6, 6}, 0, 0.003976751709788651, Normal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := MannWhitney(c.x, c.y)
			if r.U != c.u || r.Method != c.method || !close(r.P, c.p, 1e-9) {
				t.Errorf("MannWhitney = U %v p %.17g (%s), want U %v p %.17g (%s)", r.U, r.P, r.Method, c.u, c.p, c.method)
			}
			// Swapping the samples swaps U and keeps p.
			s := MannWhitney(c.y, c.x)
			if s.U != float64(r.N1*r.N2)-r.U || !close(s.P, r.P, 1e-12) {
				t.Errorf("swapped: U %v p %v, want U %v p %v", s.U, s.P, float64(r.N1*r.N2)-r.U, r.P)
			}
		})
	}
}

// TestCriticalValue checks the textbook table of critical values of U
// (two-sided, alpha 0.05): for two samples of 5, U <= 2 is significant and
// U = 3 is not.
func TestCriticalValue(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	withU := func(u int) []float64 {
		// y's values below x's give U of x; move u of them above.
		y := []float64{-5, -4, -3, -2, -1}
		for i := 0; i < u; i++ {
			y[i] = 1.5 + 0.1*float64(i) // each beats x value 1 only
		}
		return y
	}
	for u, significant := range map[int]bool{0: true, 1: true, 2: true, 3: false, 4: false} {
		r := MannWhitney(withU(u), x)
		if r.U != float64(u) {
			t.Fatalf("built U %v, want %d", r.U, u)
		}
		if got := r.P < 0.05; got != significant {
			t.Errorf("U = %d: p %v, significant %v, want %v", u, r.P, got, significant)
		}
	}
}

// TestExactAgainstEnumeration checks the exact distribution against a
// count of every split of the pooled sample, for all sizes up to 7 and 7.
func TestExactAgainstEnumeration(t *testing.T) {
	for m := 1; m <= 7; m++ {
		for n := 1; n <= 7; n++ {
			counts := make([]float64, m*n+1)
			total := 0.0
			// Ranks 0..m+n-1; mask picks the ranks of x.
			for mask := 0; mask < 1<<(m+n); mask++ {
				if popcount(mask) != m {
					continue
				}
				u, ysBelow := 0, 0
				for r := 0; r < m+n; r++ {
					if mask&(1<<r) != 0 {
						u += ysBelow
					} else {
						ysBelow++
					}
				}
				counts[u]++
				total++
			}
			got := uDistribution(m, n)
			for u := range counts {
				if !close(got[u], counts[u]/total, 1e-12) {
					t.Fatalf("m %d n %d: P(U=%d) = %v, want %v", m, n, u, got[u], counts[u]/total)
				}
			}
		}
	}
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// TestHistogramMethod: testing histograms by their buckets (each bucket a
// group of ties) gives the same result as testing the raw values, each
// replaced by its bucket's value. SciPy on the expanded samples gives U 1550
// and p 2.281063137140717e-18.
func TestHistogramMethod(t *testing.T) {
	x := []Value{{100, 30}, {104, 50}, {108, 15}, {150, 5}}
	y := []Value{{104, 20}, {108, 40}, {112, 30}, {200, 10}}
	r := MannWhitneyCounts(x, y)
	if r.U != 1550 || r.Method != Normal || !close(r.P, 2.281063137140717e-18, 1e-6) {
		t.Errorf("MannWhitneyCounts = %+v", r)
	}
	expand := func(vs []Value) []float64 {
		var out []float64
		for _, v := range vs {
			for i := int64(0); i < v.Count; i++ {
				out = append(out, v.V)
			}
		}
		return out
	}
	raw := MannWhitney(expand(x), expand(y))
	if raw.U != r.U || !close(raw.P, r.P, 1e-12) {
		t.Errorf("raw %+v, counts %+v", raw, r)
	}
}

func TestDegenerate(t *testing.T) {
	cases := []struct {
		name string
		x, y []float64
		p    float64
		m    Method
	}{
		{"empty x", nil, []float64{1, 2}, 1, None},
		{"empty y", []float64{1}, nil, 1, None},
		{"all equal", []float64{3, 3, 3}, []float64{3, 3}, 1, None},
		{"NaNs ignored", []float64{math.NaN(), 1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10, math.NaN()}, 0.007936507936507936, Exact},
		{"one against one", []float64{1}, []float64{2}, 1, Exact},
	}
	for _, c := range cases {
		r := MannWhitney(c.x, c.y)
		if r.Method != c.m || !close(r.P, c.p, 1e-12) {
			t.Errorf("%s: %+v, want p %v (%s)", c.name, r, c.p, c.m)
		}
	}
}

// TestLargeCounts: millions of requests per histogram neither overflow nor
// lose the answer.
func TestLargeCounts(t *testing.T) {
	x := []Value{{1, 4e6}, {2, 4e6}}
	y := []Value{{1, 4e6}, {2, 4e6}}
	if r := MannWhitneyCounts(x, y); r.P != 1 || r.U != 32e12 {
		t.Errorf("same histograms: %+v", r)
	}
	y = []Value{{1, 3.9e6}, {2, 4.1e6}}
	if r := MannWhitneyCounts(x, y); !(r.P < 1e-6) {
		t.Errorf("shifted histograms: %+v", r)
	}
}

// TestNullCalibration: under the null hypothesis about 5% of tests have
// p < 0.05, for both methods.
func TestNullCalibration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{8, 80} {
		rejected := 0
		const trials = 2000
		for i := 0; i < trials; i++ {
			x, y := make([]float64, n), make([]float64, n)
			for k := range x {
				x[k], y[k] = rng.ExpFloat64(), rng.ExpFloat64()
			}
			if MannWhitney(x, y).P < 0.05 {
				rejected++
			}
		}
		if rate := float64(rejected) / trials; rate < 0.03 || rate > 0.07 {
			t.Errorf("n %d: %.3f of null tests rejected at 0.05", n, rate)
		}
	}
}

func close(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) || a == b
}

func BenchmarkExact50(b *testing.B) {
	x, y := make([]float64, 50), make([]float64, 50)
	for i := range x {
		x[i], y[i] = float64(2*i), float64(2*i+1)
	}
	for b.Loop() {
		MannWhitney(x, y)
	}
}
