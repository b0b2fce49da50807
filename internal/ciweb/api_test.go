package ciweb

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/report"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

const token = "ciweb-test-token-0123456789"

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

func TestReportAPI(t *testing.T) {
	h := &Handlers{Store: seeded(t), Service: "svc", Token: token}
	api := Token(token, h.Report(), Unauthorized())
	cases := []struct {
		name   string
		method string
		query  string
		auth   string
		status int
		want   string
	}{
		{"default pair", "GET", "", "Bearer " + token, 200, `"from": "v1"`},
		{"chosen pair", "GET", "?from=v2&to=v1", "Bearer " + token, 200, `"verdict": "improvement"`},
		{"unknown version", "GET", "?from=v9", "Bearer " + token, 400, `unknown version \"v9\"`},
		{"unknown parameter", "GET", "?form=v1", "Bearer " + token, 400, `unknown parameter \"form\"`},
		{"POST", "POST", "", "Bearer " + token, 405, "use GET"},
		{"wrong token", "GET", "", "Bearer nope", 401, "wrong token"},
		{"not logged in", "GET", "", "", 401, "log in"},
		{"Basic credentials go to the UI's login check", "GET", "", "Basic YWRtaW46cHc=", 401, "log in"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, "/dashboard/api/report"+c.query, nil)
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			rec := httptest.NewRecorder()
			api.ServeHTTP(rec, req)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("%d %s; want %d and %q", rec.Code, rec.Body.String(), c.status, c.want)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// TestReportJSON checks the documented shape of a comparison.
func TestReportJSON(t *testing.T) {
	h := &Handlers{Store: seeded(t), Service: "svc"}
	rec := httptest.NewRecorder()
	h.Report().ServeHTTP(rec, httptest.NewRequest("GET", "/api/report", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
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
