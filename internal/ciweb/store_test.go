package ciweb

import (
	"context"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

func seeded(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []string{"v1", "v2"} {
		r := &store.CIRun{Service: "svc", RunID: v, Hash: v, Version: v, Uploaded: at.Add(time.Duration(i) * time.Hour)}
		for run := 0; run < 5; run++ {
			r.Benchmarks = append(r.Benchmarks, store.CIBenchmark{Package: "p", Name: "BenchmarkA", Procs: 1, Run: run, Iterations: 10,
				Metrics: []store.CIMetric{{Unit: "ns/op", Value: float64((i + 1) * (100 + run))}}})
		}
		if _, err := s.SaveCIRun(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
