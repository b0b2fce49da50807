package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// ciPlan describes the shop's test suite and benchmarks: how long each
// takes in each release. The search regression of 1.2.0 shows in CI before
// it shows in production, which is what the Tests, Benchmarks and Report
// pages are for.
type ciBench struct {
	pkg, name      string
	ns, bytes      float64 // per op in 1.0.0
	allocs         float64
	factor         map[string]float64 // per release, on ns/op
	allocsByVer    map[string]float64 // per release, when they change
	iterationsHint int64
}

type ciTest struct {
	pkg, name string
	ms        float64
	factor    map[string]float64
}

const ciSamples = 8 // go test -count 8

func ciBenchmarks() []ciBench {
	return []ciBench{
		{pkg: "shop/search", name: "BenchmarkSearch", ns: 118_000, bytes: 24_576, allocs: 41,
			factor:      map[string]float64{v120: 2.5},
			allocsByVer: map[string]float64{v120: 97}, iterationsHint: 10_000},
		{pkg: "shop/books", name: "BenchmarkBookJSON", ns: 2_450, bytes: 512, allocs: 6,
			factor: map[string]float64{v110: 0.6, v120: 0.6, v121: 0.6}, iterationsHint: 500_000},
		{pkg: "shop/orders", name: "BenchmarkOrderTotal", ns: 310, bytes: 0, allocs: 0, iterationsHint: 4_000_000},
		{pkg: "shop/users", name: "BenchmarkHistory/items=100", ns: 41_000, bytes: 9_000, allocs: 104, iterationsHint: 30_000},
		{pkg: "shop/users", name: "BenchmarkHistory/items=1000", ns: 415_000, bytes: 90_000, allocs: 1_004, iterationsHint: 3_000},
	}
}

func ciTests() []ciTest {
	return []ciTest{
		{pkg: "shop/search", name: "TestSearchRanking", ms: 42, factor: map[string]float64{v120: 2.4}},
		{pkg: "shop/search", name: "TestSearchEmptyQuery", ms: 1.2},
		{pkg: "shop/books", name: "TestBookJSON", ms: 3.1, factor: map[string]float64{v110: 0.7, v120: 0.7, v121: 0.7}},
		{pkg: "shop/books", name: "TestBookNotFound", ms: 0.8},
		{pkg: "shop/orders", name: "TestOrderTotal", ms: 2.2},
		{pkg: "shop/orders", name: "TestOrderPaymentRetry", ms: 160},
		{pkg: "shop/users", name: "TestHistoryGrows", ms: 18},
		{pkg: "shop/users", name: "TestHistoryPaging/first_page", ms: 4.5},
		{pkg: "shop/users", name: "TestHistoryPaging/last_page", ms: 6.1},
	}
}

// SeedCI stores one CI run per release, as `gmd upload` would have sent
// them when each release was built. Runs are keyed by release, so seeding
// again stores nothing. It returns the number of runs created.
func SeedCI(ctx context.Context, st store.Store, w *World, seed uint64) (int, error) {
	created := 0
	for i, rel := range w.Releases {
		rng := rand.New(rand.NewPCG(seed+uint64(i)*7919, 0xC1))
		run := &store.CIRun{
			Service: w.Service, RunID: "demo-ci-" + rel.Name, Hash: "demo-ci-" + rel.Name,
			Version: rel.Name, Branch: "main", GoOS: "linux", GoArch: "amd64", CPU: "demo CPU @ 3.0GHz",
			Started:  rel.Since.Add(-50 * time.Minute),
			Uploaded: rel.Since.Add(-40 * time.Minute),
		}
		elapsed := map[string]time.Duration{}
		for _, t := range ciTests() {
			f := t.factor[rel.Name]
			if f == 0 {
				f = 1
			}
			for r := 0; r < ciSamples; r++ {
				d := time.Duration(t.ms * f * noise(rng, 0.06) * float64(time.Millisecond))
				run.Tests = append(run.Tests, store.CITest{Package: t.pkg, Name: t.name, Run: r, Outcome: store.CIPass, Elapsed: d})
				elapsed[t.pkg] += d
			}
		}
		for _, b := range ciBenchmarks() {
			f := b.factor[rel.Name]
			if f == 0 {
				f = 1
			}
			allocs := b.allocs
			if a, ok := b.allocsByVer[rel.Name]; ok {
				allocs = a
			}
			for r := 0; r < ciSamples; r++ {
				ns := b.ns * f * noise(rng, 0.04)
				run.Benchmarks = append(run.Benchmarks, store.CIBenchmark{
					Package: b.pkg, Name: b.name, Procs: 8, Run: r, Iterations: b.iterationsHint,
					Metrics: []store.CIMetric{
						{Unit: "ns/op", Value: float64(int64(ns))},
						{Unit: "B/op", Value: b.bytes * allocs / max(b.allocs, 1)},
						{Unit: "allocs/op", Value: allocs},
					},
				})
				elapsed[b.pkg] += time.Duration(ns * float64(b.iterationsHint))
			}
		}
		for _, pkg := range []string{"shop/books", "shop/orders", "shop/search", "shop/users"} {
			run.Packages = append(run.Packages, store.CIPackage{Name: pkg, Outcome: store.CIPass, Elapsed: elapsed[pkg]})
		}
		ok, err := st.SaveCIRun(ctx, run)
		if err != nil {
			return created, fmt.Errorf("demo: storing the CI run of %s: %w", rel.Name, err)
		}
		if ok {
			created++
		}
	}
	return created, nil
}

// noise returns a factor around 1 with the given relative spread.
func noise(rng *rand.Rand, spread float64) float64 {
	return 1 + spread*rng.NormFloat64()/2
}
