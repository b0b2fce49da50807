package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func (f *fixture) ciRuns() {
	f.t.Helper()
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []string{"v1", "v2"} {
		r := &store.CIRun{Service: "svc", RunID: v, Hash: v, Version: v, Uploaded: at.Add(time.Duration(i) * time.Hour)}
		for run := 0; run < 5; run++ {
			r.Tests = append(r.Tests, store.CITest{Package: "p", Name: "TestA", Run: run, Outcome: store.CIPass,
				Elapsed: time.Duration((i+1)*100+run) * time.Millisecond})
			r.Benchmarks = append(r.Benchmarks, store.CIBenchmark{Package: "p", Name: "BenchmarkA", Procs: 2, Run: run, Iterations: 10,
				Metrics: []store.CIMetric{{Unit: "ns/op", Value: float64((i + 1) * (1000 + run))}}})
		}
		if _, err := f.store.SaveCIRun(context.Background(), r); err != nil {
			f.t.Fatal(err)
		}
	}
}

func TestCIPages(t *testing.T) {
	f := newFixture(t, nil)
	f.ciRuns()
	guest := f.login("guest", guestPW)
	cases := []struct {
		path   string
		status int
		want   []string
	}{
		{"/dashboard/tests", 200, []string{"<h1>Tests</h1>", `aria-current="page">Tests`, "TestA", "<svg"}},
		{"/dashboard/test?package=p&name=TestA", 200, []string{`aria-current="page">Tests`, "<svg"}},
		{"/dashboard/benchmarks", 200, []string{`aria-current="page">Benchmarks`, "BenchmarkA-2"}},
		{"/dashboard/benchmark?package=p&name=BenchmarkA&procs=2", 200, []string{"ns/op", "<svg"}},
		{"/dashboard/report", 200, []string{`aria-current="page">Report`, "regression", `<option value="v2" selected>`}},
		{"/dashboard/report?from=nope", 400, []string{"unknown version"}},
		{"/dashboard/test?package=p&name=TestNope", 404, []string{"no results"}},
		{"/dashboard/api/report?from=v1&to=v2", 200, []string{`"regressions": 2`, `"verdict": "regression"`}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			r := guest.get(c.path)
			wantStatus(t, r, c.status)
			for _, w := range c.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s lacks %q:\n%s", c.path, w, r.body)
				}
			}
		})
	}
	// Not logged in: pages send to the login, the API answers 401.
	anon := f.client()
	if r := anon.get("/dashboard/tests"); r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusFound {
		t.Errorf("tests page without login: %d", r.StatusCode)
	}
	wantStatus(t, anon.get("/dashboard/api/report"), http.StatusUnauthorized)
}
