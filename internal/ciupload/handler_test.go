package ciupload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

const token = "0123456789abcdef-test-token"

func memStore(t testing.TB) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func validPayload() *Payload {
	return &Payload{
		RunID: "ci-42", Version: "v1.2.0", Commit: "0123abcd", Branch: "main",
		GoOS: "linux", GoArch: "amd64", CPU: "Some CPU",
		Packages: []Package{{Name: "example.com/calc", Outcome: "pass", ElapsedUS: 34000}},
		Tests: []Test{
			{Package: "example.com/calc", Name: "TestSum", Outcome: "pass", ElapsedUS: 10000},
			{Package: "example.com/calc", Name: "TestSum", Run: 1, Outcome: "fail", ElapsedUS: 20000},
		},
		Benchmarks: []Benchmark{
			{Package: "example.com/calc", Name: "BenchmarkSum", Procs: 2, Iterations: 1000,
				Metrics: []Metric{{Unit: "ns/op", Value: 1050}, {Unit: "B/op", Value: 0}, {Unit: "allocs/op", Value: 0}}},
		},
	}
}

func body(t testing.TB, p *Payload) string {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func post(h http.Handler, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/dashboard/api/upload", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func problemOf(t testing.TB, rec *httptest.ResponseRecorder) Problem {
	t.Helper()
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("answer %d is not a JSON problem: %q", rec.Code, rec.Body.String())
	}
	return p
}

func TestUploadRefused(t *testing.T) {
	mutate := func(f func(p *Payload)) string {
		p := validPayload()
		f(p)
		b, _ := json.Marshal(p)
		return string(b)
	}
	valid := body(t, validPayload())
	cases := []struct {
		name   string
		token  string // handler's token
		body   string
		header map[string]string
		status int
		msg    string // in the error
		field  string
	}{
		{name: "uploads disabled", token: "-", body: valid, status: 403, msg: "uploads are disabled"},
		{name: "no token", body: valid, header: map[string]string{"Authorization": ""}, status: 401, msg: "Authorization: Bearer"},
		{name: "wrong token", body: valid, header: map[string]string{"Authorization": "Bearer 0123456789abcdef-test-tokeX"}, status: 401},
		{name: "token prefix", body: valid, header: map[string]string{"Authorization": "Bearer 0123456789abcdef"}, status: 401},
		{name: "basic scheme", body: valid, header: map[string]string{"Authorization": "Basic " + token}, status: 401},
		{name: "session cookie instead of token", body: valid,
			header: map[string]string{"Authorization": "", "Cookie": "gmd_session=anything; session=x"}, status: 401},
		{name: "form content type", body: valid, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 415},
		{name: "not JSON", body: "go test output", status: 400, msg: "not a valid upload"},
		{name: "truncated JSON", body: valid[:len(valid)/2], status: 400, msg: "not a valid upload"},
		{name: "unknown field", body: `{"version":"v1","tests":[],"extra":1}`, status: 400, msg: `unknown field "extra"`},
		{name: "trailing data", body: valid + `{}`, status: 400, msg: "data after the JSON"},
		{name: "wrong type", body: `{"version":3}`, status: 400, msg: "not a valid upload"},
		{name: "too large", body: `{"version":"` + strings.Repeat("v", 40<<20) + `"}`, status: 400, msg: "larger than"},
		{name: "no version", body: mutate(func(p *Payload) { p.Version = "" }), status: 400, field: "version"},
		{name: "version with newline", body: mutate(func(p *Payload) { p.Version = "v1\nv2" }), status: 400, field: "version"},
		{name: "long version", body: mutate(func(p *Payload) { p.Version = strings.Repeat("v", 2000) }), status: 400, field: "version"},
		{name: "NUL in branch", body: mutate(func(p *Payload) { p.Branch = "main\x00" }), status: 400, field: "branch"},
		{name: "nothing to store", body: `{"version":"v1"}`, status: 400, field: "tests", msg: "nothing to store"},
		{name: "bad outcome", body: mutate(func(p *Payload) { p.Tests[1].Outcome = "great" }), status: 400, field: "tests[1].outcome"},
		{name: "test without name", body: mutate(func(p *Payload) { p.Tests[0].Name = "" }), status: 400, field: "tests[0].name"},
		{name: "negative elapsed", body: mutate(func(p *Payload) { p.Tests[0].ElapsedUS = -1 }), status: 400, field: "tests[0].elapsed_us"},
		{name: "negative run", body: mutate(func(p *Payload) { p.Tests[0].Run = -1 }), status: 400, field: "tests[0].run"},
		{name: "duplicate test", body: mutate(func(p *Payload) { p.Tests[1].Run = 0 }), status: 400, field: "tests[1]", msg: "twice"},
		{name: "names equal once clipped", body: mutate(func(p *Payload) {
			p.Tests[0].Name, p.Tests[1].Name, p.Tests[1].Run = "Test"+strings.Repeat("x", 300), "Test"+strings.Repeat("x", 301), 0
		}), status: 400, field: "tests[1]"},
		{name: "duplicate package", body: mutate(func(p *Payload) { p.Packages = append(p.Packages, p.Packages[0]) }), status: 400, field: "packages[1].name"},
		{name: "package outcome", body: mutate(func(p *Payload) { p.Packages[0].Outcome = "" }), status: 400, field: "packages[0].outcome"},
		{name: "benchmark not named Benchmark", body: mutate(func(p *Payload) { p.Benchmarks[0].Name = "TestX" }), status: 400, field: "benchmarks[0].name"},
		{name: "zero procs", body: mutate(func(p *Payload) { p.Benchmarks[0].Procs = 0 }), status: 400, field: "benchmarks[0].procs"},
		{name: "zero iterations", body: mutate(func(p *Payload) { p.Benchmarks[0].Iterations = 0 }), status: 400, field: "benchmarks[0].iterations"},
		{name: "no metrics", body: mutate(func(p *Payload) { p.Benchmarks[0].Metrics = nil }), status: 400, field: "benchmarks[0].metrics"},
		{name: "unit with space", body: mutate(func(p *Payload) { p.Benchmarks[0].Metrics[0].Unit = "ns per op" }), status: 400, field: "benchmarks[0].metrics[0].unit"},
		{name: "unit twice", body: mutate(func(p *Payload) { p.Benchmarks[0].Metrics[1].Unit = "ns/op" }), status: 400, field: "benchmarks[0].metrics[1].unit"},
		{name: "duplicate benchmark", body: mutate(func(p *Payload) { p.Benchmarks = append(p.Benchmarks, p.Benchmarks[0]) }), status: 400, field: "benchmarks[1]"},
		{name: "too many tests", body: mutate(func(p *Payload) {
			for i := 0; i < 20; i++ {
				p.Tests = append(p.Tests, Test{Package: "p", Name: "TestMany", Run: i, Outcome: "pass"})
			}
		}), status: 400, field: "tests", msg: "at most 10"},
		{name: "implausible start", body: mutate(func(p *Payload) { t := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC); p.Started = &t }), status: 400, field: "started"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := memStore(t)
			h := &Handler{Store: s, Service: "svc", Token: token}
			if c.token == "-" {
				h.Token = ""
			}
			lim := DefaultLimits()
			lim.Tests = 10
			h.Limits = lim
			rec := post(h, c.body, c.header)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body.String())
			}
			p := problemOf(t, rec)
			if c.msg != "" && !strings.Contains(p.Error, c.msg) {
				t.Errorf("error %q, want it to say %q", p.Error, c.msg)
			}
			if c.field != "" && p.Field != c.field {
				t.Errorf("field %q, want %q (%s)", p.Field, c.field, p.Error)
			}
			if strings.Contains(rec.Body.String(), token) {
				t.Error("the answer contains the token")
			}
			if c.status == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			runs, err := s.CIRuns(context.Background(), store.CIRunFilter{})
			if err != nil || len(runs) != 0 {
				t.Errorf("refused upload stored: %d runs, %v", len(runs), err)
			}
		})
	}
}

func TestUploadMethod(t *testing.T) {
	h := &Handler{Store: memStore(t), Service: "svc", Token: token}
	req := httptest.NewRequest(http.MethodGet, "/dashboard/api/upload", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 405 || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestUploadStoresOnce(t *testing.T) {
	s := memStore(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	h := &Handler{Store: s, Service: "svc", Token: token, Now: func() time.Time { return now }}
	p := validPayload()
	rec := post(h, body(t, p), map[string]string{"Authorization": "bearer " + token}) // the scheme is case-insensitive
	if rec.Code != http.StatusCreated {
		t.Fatalf("first upload: %d %s", rec.Code, rec.Body.String())
	}
	var a Answer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	want := Answer{Run: a.Run, RunID: "ci-42", Version: "v1.2.0", Created: true, Tests: 2, Failed: 1, Benchmarks: 1}
	if a != want || a.Run <= 0 {
		t.Errorf("answer %+v, want %+v", a, want)
	}
	rec = post(h, body(t, p), nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"created":false`) {
		t.Errorf("sent again: %d %s, want 200 and created false", rec.Code, rec.Body.String())
	}
	p.Tests[0].ElapsedUS++
	rec = post(h, body(t, p), nil)
	if rec.Code != http.StatusConflict || problemOf(t, rec).Field != "run_id" {
		t.Errorf("other content under the same run id: %d %s, want 409", rec.Code, rec.Body.String())
	}
	// Without a run id, the content hash names the run.
	p.RunID = ""
	first := post(h, body(t, p), nil)
	again := post(h, body(t, p), nil)
	if first.Code != http.StatusCreated || again.Code != http.StatusOK {
		t.Errorf("without run id: %d then %d, want 201 then 200", first.Code, again.Code)
	}
	runs, err := s.CIRuns(context.Background(), store.CIRunFilter{Service: "svc"})
	if err != nil || len(runs) != 2 {
		t.Fatalf("%d runs stored, want 2: %v", len(runs), err)
	}
	if runs[0].RunID != p.Hash() || !runs[0].Uploaded.Equal(now) || runs[0].Commit != "0123abcd" {
		t.Errorf("stored run %+v", runs[0])
	}
	var tests int
	s.CITests(context.Background(), store.CIFilter{}, func(*store.CITest) error { tests++; return nil })
	if tests != 4 {
		t.Errorf("%d test rows, want 4 (two runs of two)", tests)
	}
}

type failingStore struct{ store.Store }

func (failingStore) SaveCIRun(context.Context, *store.CIRun) (bool, error) {
	return false, errors.New("disk full at /secret/path")
}

func TestUploadStoreFailure(t *testing.T) {
	var logged bytes.Buffer
	h := &Handler{Store: failingStore{}, Service: "svc", Token: token, Log: newTextLogger(&logged)}
	rec := post(h, body(t, validPayload()), nil)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("store failure: %d %s; want 500 without the cause", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logged.String(), "disk full") {
		t.Errorf("cause not logged: %q", logged.String())
	}
}
