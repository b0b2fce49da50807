package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/report"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// TestSeedCIShowsTheSearchRegression: the seeded CI runs make the version
// report flag BenchmarkSearch (and its test) as the 1.2.0 regression and
// nothing else in the suite; seeding again stores nothing.
func TestSeedCIShowsTheSearchRegression(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.OpenFile(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := NewWorld(WorldOptions{End: time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC), Seed: 1})
	n, err := SeedCI(ctx, st, w, 1)
	if err != nil || n != len(w.Releases) {
		t.Fatalf("SeedCI created %d runs (%v), want %d", n, err, len(w.Releases))
	}
	if n, err := SeedCI(ctx, st, w, 1); err != nil || n != 0 {
		t.Fatalf("seeding again created %d runs (%v), want 0", n, err)
	}
	rep, err := report.Compare(ctx, st, w.Service, v110, v120, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	regressed := map[string]bool{}
	for _, list := range [][]report.Comparison{rep.Benchmarks, rep.Tests} {
		for _, c := range list {
			if c.Verdict == report.Regression {
				regressed[c.Name+" "+c.Metric] = true
			}
		}
	}
	want := map[string]bool{
		"BenchmarkSearch-8 ns/op": true, "BenchmarkSearch-8 B/op": true, "BenchmarkSearch-8 allocs/op": true,
		"TestSearchRanking duration": true,
	}
	for k := range want {
		if !regressed[k] {
			t.Errorf("%s is not flagged as a regression; flagged: %v", k, regressed)
		}
	}
	for k := range regressed {
		if !want[k] {
			t.Errorf("%s is flagged as a regression but did not change", k)
		}
	}
	if len(rep.Benchmarks) == 0 || rep.Benchmarks[0].Name != "BenchmarkSearch-8" {
		t.Errorf("the regression is not listed first: %+v", rep.Benchmarks[:min(1, len(rep.Benchmarks))])
	}
	runs, err := st.CIRuns(ctx, store.CIRunFilter{Service: w.Service})
	if err != nil || len(runs) != len(w.Releases) || runs[0].Counts.Tests == 0 || runs[0].Counts.Benchmarks == 0 {
		t.Errorf("runs %+v, %v", runs, err)
	}
}
