package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/report"
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
	// Pages take GET only (moved here from internal/ciweb).
	r := guest.post("/dashboard/tests", guest.form())
	wantStatus(t, r, http.StatusMethodNotAllowed)
}

const ciToken = "web-test-token-0123456789"

// TestReportAPI: api/report answers a logged-in user or the token (moved
// here from internal/ciweb with the handler; the request without any
// credentials and the one with Basic credentials now meet the UI's login
// check, which answers 401 as before).
func TestReportAPI(t *testing.T) {
	f := newFixture(t, map[string]string{"SECURITY_TOKEN": ciToken})
	f.ciRuns()
	cases := []struct {
		name   string
		method string
		query  string
		auth   string
		status int
		want   string
	}{
		{"default pair", "GET", "", "Bearer " + ciToken, 200, `"from": "v1"`},
		{"chosen pair", "GET", "?from=v2&to=v1", "Bearer " + ciToken, 200, `"verdict": "improvement"`},
		{"unknown version", "GET", "?from=v9", "Bearer " + ciToken, 400, `unknown version \"v9\"`},
		{"unknown parameter", "GET", "?form=v1", "Bearer " + ciToken, 400, `unknown parameter \"form\"`},
		{"another service with the token", "GET", "?service=other", "Bearer " + ciToken, 400, `reports on \"svc\" only`},
		{"POST", "POST", "", "Bearer " + ciToken, 405, "allowed: GET"},
		{"wrong token", "GET", "", "Bearer nope", 401, "wrong token"},
		{"not logged in", "GET", "", "", 401, "log in"},
		{"Basic credentials go to the UI's login check", "GET", "", "Basic YWRtaW46cHc=", 401, "wrong user name or password"},
	}
	anon := f.client()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := anon.do(c.method, "/dashboard/api/report"+c.query, nil, "Authorization", c.auth)
			if r.StatusCode != c.status || !strings.Contains(r.body, c.want) {
				t.Errorf("%d %s; want %d and %q", r.StatusCode, r.body, c.status, c.want)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// TestReportJSON checks the documented shape of a comparison.
func TestReportJSON(t *testing.T) {
	f := newFixture(t, nil)
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []string{"v1", "v2"} {
		r := &store.CIRun{Service: "svc", RunID: v, Hash: v, Version: v, Uploaded: at.Add(time.Duration(i) * time.Hour)}
		for run := 0; run < 5; run++ {
			r.Benchmarks = append(r.Benchmarks, store.CIBenchmark{Package: "p", Name: "BenchmarkA", Procs: 1, Run: run, Iterations: 10,
				Metrics: []store.CIMetric{{Unit: "ns/op", Value: float64((i + 1) * (100 + run))}}})
		}
		if _, err := f.store.SaveCIRun(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	r := f.login("guest", guestPW).get("/dashboard/api/report")
	wantStatus(t, r, 200)
	doc := mustJSON[map[string]any](t, r)
	for _, k := range []string{"from", "to", "versions", "alpha", "min_change", "method", "regressions", "improvements", "endpoints", "benchmarks", "tests"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("report has no %q", k)
		}
	}
	bs := doc["benchmarks"].([]any)
	if len(bs) != 1 {
		t.Fatalf("benchmarks %v", bs)
	}
	b := bs[0].(map[string]any)
	want := map[string]any{"kind": "benchmark", "name": "BenchmarkA", "package": "p", "metric": "ns/op", "from_median": 102.0,
		"to_median": 204.0, "ratio": 2.0, "change_percent": 100.0, "significant": true, "verdict": report.Regression, "test": "exact"}
	for k, v := range want {
		if b[k] != v {
			t.Errorf("%s = %v, want %v", k, b[k], v)
		}
	}
	if p, ok := b["p_value"].(float64); !ok || p >= 0.05 {
		t.Errorf("p_value %v", b["p_value"])
	}
}
