package store

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	for _, d := range []time.Duration{0, 500 * time.Nanosecond, time.Microsecond, 1001 * time.Nanosecond,
		37 * time.Microsecond, time.Millisecond, 1234567 * time.Microsecond, time.Hour, 48 * time.Hour} {
		b := Bucket(d)
		us := float64(d) / float64(time.Microsecond)
		if us <= 1 {
			if b != 0 {
				t.Errorf("Bucket(%v) = %d, want 0", d, b)
			}
			continue
		}
		lo, hi := math.Pow(HistGamma, float64(b-1)), math.Pow(HistGamma, float64(b))
		if !(us > lo*(1-1e-12) && us <= hi*(1+1e-12)) {
			t.Errorf("Bucket(%v) = %d covering (%g, %g] µs, which misses %g", d, b, lo, hi, us)
		}
		if rel := math.Abs(float64(BucketValue(b)-d)) / float64(d); rel > 0.0197 {
			t.Errorf("BucketValue(Bucket(%v)) = %v, off by %.2f%%", d, BucketValue(b), rel*100)
		}
	}
}

// TestQuantilesWithinTwoPercent compares histogram percentiles with exact
// ones on several distributions.
func TestQuantilesWithinTwoPercent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dists := map[string]func() time.Duration{
		"uniform 1-100ms": func() time.Duration { return time.Duration(1+rng.Float64()*99) * time.Millisecond },
		"lognormal":       func() time.Duration { return time.Duration(math.Exp(rng.NormFloat64()*1.5+9)) * time.Microsecond },
		"bimodal": func() time.Duration {
			return time.Duration([]float64{2, 800}[rng.IntN(2)]*(1+rng.Float64()*0.1)) * time.Millisecond
		},
	}
	qs := []float64{0, 0.5, 0.9, 0.95, 0.99, 1}
	for name, gen := range dists {
		h := Histogram{}
		var all []time.Duration
		for i := 0; i < 20000; i++ {
			d := gen().Truncate(time.Microsecond)
			h.Add(d)
			all = append(all, d)
		}
		slices.Sort(all)
		got := h.Quantiles(all[0], all[len(all)-1], qs...)
		for i, q := range qs {
			rank := int(math.Ceil(q*float64(len(all)))) - 1
			exact := all[max(rank, 0)]
			if rel := math.Abs(float64(got[i]-exact)) / float64(exact); rel > 0.02 {
				t.Errorf("%s p%.0f: histogram %v, exact %v (%.2f%% off)", name, q*100, got[i], exact, rel*100)
			}
		}
	}
}

func TestQuantilesEdgeCases(t *testing.T) {
	if got := (Histogram{}).Quantiles(0, 0, 0.5); got[0] != 0 {
		t.Errorf("empty histogram p50 = %v", got[0])
	}
	h := Histogram{}
	h.Add(7 * time.Millisecond)
	if got := h.Quantiles(7*time.Millisecond, 7*time.Millisecond, 0, 0.5, 1); got[0] != 7*time.Millisecond || got[2] != 7*time.Millisecond {
		t.Errorf("one value: %v", got)
	}
	a, b := Histogram{}, Histogram{}
	a.Add(time.Millisecond)
	b.Add(time.Millisecond)
	b.Add(time.Second)
	a.Merge(b)
	if a.Count() != 3 || a[Bucket(time.Millisecond)] != 2 {
		t.Errorf("merge: %v", a)
	}
}

func TestRedactAndScheme(t *testing.T) {
	cases := []struct{ in, want string }{
		{"postgres://u:secret@db:5432/x?sslmode=disable", "postgres://u:xxxxx@db:5432/x?sslmode=disable"},
		{"mysql://root:pw@tcp(127.0.0.1:3306)/test", "mysql://root:xxxxx@tcp(127.0.0.1:3306)/test"},
		{"postgres://u@db/x", "postgres://u@db/x"},
		{"sqlite:///dashboard.db", "sqlite:///dashboard.db"},
	}
	for _, c := range cases {
		if got := Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if s, err := Scheme("PostgreSQL://x"); err != nil || s != "postgresql" {
		t.Errorf("Scheme = %q, %v", s, err)
	}
	if _, err := Scheme("dashboard.db"); err == nil {
		t.Error("Scheme of a path without a scheme succeeded")
	}
}

func TestAggregate(t *testing.T) {
	h0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	reqs := []Request{
		{Endpoint: "a", Version: "v1", Start: h0.Add(5 * time.Minute), Duration: 2 * time.Millisecond, Status: 200},
		{Endpoint: "a", Version: "v1", Start: h0.Add(50 * time.Minute), Duration: 4 * time.Millisecond, Status: 503},
		{Endpoint: "a", Version: "v1", Start: h0.Add(70 * time.Minute), Duration: time.Millisecond, Status: 200},
		{Endpoint: "b", Version: "v1", Start: h0, Duration: time.Millisecond, Status: 302},
	}
	rus := Aggregate(reqs)
	if len(rus) != 3 {
		t.Fatalf("%d rollups, want 3: %+v", len(rus), rus)
	}
	a := rus[0]
	if a.Endpoint != "a" || a.Count != 2 || a.Errors != 1 || a.Sum != 6*time.Millisecond || a.Min != 2*time.Millisecond ||
		a.Max != 4*time.Millisecond || a.Status[2] != 1 || a.Status[5] != 1 || a.Hist.Count() != 2 || !a.Hour.Equal(h0) {
		t.Errorf("first rollup %+v", a)
	}
	if rus[1].Endpoint != "b" || rus[1].Status[3] != 1 || !rus[2].Hour.Equal(h0.Add(time.Hour)) {
		t.Errorf("order or content: %+v", rus)
	}
}
