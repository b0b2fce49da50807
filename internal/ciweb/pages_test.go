package ciweb

import (
	"context"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/report"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

const hostile = `TestX/<script>alert(1)</script>`

type fakeCharts struct{}

func (fakeCharts) Boxes(title, unit string, boxes []report.VersionBox) template.HTML {
	var b strings.Builder
	b.WriteString(`<svg class="boxes">`)
	for _, x := range boxes {
		b.WriteString(template.HTMLEscapeString(x.Version) + ";")
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// serve answers GET requests with a page as internal/web does: a
// BadRequest is a 400 with its message, ErrNotFound a 404, and the page
// in a plain layout.
func serve(page func(context.Context, url.Values) (Page, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := page(r.Context(), r.URL.Query())
		var bad *BadRequest
		switch {
		case errors.As(err, &bad):
			http.Error(w, bad.Msg, http.StatusBadRequest)
		case errors.Is(err, ErrNotFound):
			http.Error(w, "no results for this name", http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			plainLayout(w, r, p)
		}
	})
}

func plainLayout(w http.ResponseWriter, r *http.Request, p Page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html><title>"+template.HTMLEscapeString(p.Title)+"</title>")
	io.WriteString(w, string(p.Body))
}

func pageStore(t *testing.T) store.Store {
	s := seeded(t)
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []string{"v1", "v2"} {
		r := &store.CIRun{Service: "svc", RunID: "tests-" + v, Hash: v, Version: v, Uploaded: at.Add(time.Duration(i)*time.Hour + time.Minute)}
		for run := 0; run < 5; run++ {
			r.Tests = append(r.Tests,
				store.CITest{Package: "example.com/x/y/z", Name: "TestSlow", Run: run, Outcome: store.CIPass, Elapsed: time.Duration(100*(i+1)+run) * time.Millisecond},
				store.CITest{Package: "example.com/x/y/z", Name: hostile, Run: run, Outcome: store.CIPass, Elapsed: 10 * time.Millisecond})
		}
		if _, err := s.SaveCIRun(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestPages(t *testing.T) {
	h := &Pages{Store: pageStore(t), Service: "svc", Charts: fakeCharts{}}
	mux := http.NewServeMux()
	mux.Handle("/d/report", serve(h.ReportPage))
	mux.Handle("/d/tests", serve(h.TestsPage))
	mux.Handle("/d/test", serve(h.TestPage))
	mux.Handle("/d/benchmarks", serve(h.BenchmarksPage))
	mux.Handle("/d/benchmark", serve(h.BenchmarkPage))
	cases := []struct {
		name   string
		path   string
		status int
		want   []string
	}{
		{"report", "/d/report", 200, []string{`Significant regressions</div><div class="value bad">2</div>`, `<option value="v1" selected>`,
			`<option value="v2" selected>`, `<tr class="gmd-regression">`, "BenchmarkA", "TestSlow", "&#43;100.0%",
			`href="benchmark?name=BenchmarkA&amp;package=p&amp;procs=1"`, "Nothing to compare: no endpoints"}},
		{"report of a chosen pair", "/d/report?from=v2&to=v1", 200, []string{"improvement"}},
		{"report of an unknown version", "/d/report?from=nope", 400, []string{`unknown version "nope"`}},
		{"tests", "/d/tests", 200, []string{"Slowest tests in <code>v2</code>", `<svg class="boxes">TestSlow;`, "…/y/z",
			"Changed most from <code>v1</code> to <code>v2</code>", `href="test?name=TestSlow&amp;package=example.com%2Fx%2Fy%2Fz"`}},
		{"tests of v1", "/d/tests?version=v1", 200, []string{"Slowest tests in <code>v1</code>"}},
		{"tests of an unknown version", "/d/tests?version=v9", 400, []string{"no CI runs of version"}},
		{"test", "/d/test?package=example.com/x/y/z&name=TestSlow", 200, []string{`<svg class="boxes">v1;v2;</svg>`, "<td class=\"num\">5</td>"}},
		{"unknown test", "/d/test?package=p&name=TestNope", 404, nil},
		{"test without name", "/d/test", 400, []string{"which test"}},
		{"benchmarks", "/d/benchmarks", 200, []string{`href="benchmark?name=BenchmarkA&amp;package=p&amp;procs=1"`, "<td class=\"num\">204</td>"}},
		{"benchmark", "/d/benchmark?package=p&name=BenchmarkA&procs=1", 200, []string{"<h2>ns/op</h2>", `<svg class="boxes">v1;v2;</svg>`}},
		{"benchmark with bad procs", "/d/benchmark?package=p&name=BenchmarkA&procs=x", 400, []string{"procs"}},
		{"benchmark of other procs", "/d/benchmark?package=p&name=BenchmarkA&procs=4", 404, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
			body := rec.Body.String()
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d:\n%s", rec.Code, c.status, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q:\n%s", w, body)
				}
			}
			if strings.Contains(body, "<script>alert") {
				t.Error("a test name was not escaped")
			}
		})
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/d/tests", nil))
	if !strings.Contains(rec.Body.String(), "TestX/&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile test name is not shown escaped")
	}
}

func TestEmptyPages(t *testing.T) {
	s := seeded(t)
	h := &Pages{Store: s, Service: "other"}
	for path, page := range map[string]func(context.Context, url.Values) (Page, error){
		"/tests": h.TestsPage, "/benchmarks": h.BenchmarksPage, "/report": h.ReportPage,
	} {
		p, err := page(context.Background(), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !strings.Contains(string(p.Body), `class="empty"`) && !strings.Contains(string(p.Body), "fewer than two versions") {
			t.Errorf("%s without data:\n%s", path, p.Body)
		}
	}
}

// TestRealCharts: without a stand-in, pages draw box plots with the chart
// package, one box per version.
func TestRealCharts(t *testing.T) {
	h := &Pages{Store: pageStore(t), Service: "svc"}
	p, err := h.TestPage(context.Background(), url.Values{"package": {"example.com/x/y/z"}, "name": {"TestSlow"}})
	if err != nil {
		t.Fatal(err)
	}
	body := string(p.Body)
	if !strings.Contains(body, `<svg`) || !strings.Contains(body, "gmd-chart-boxplot") || strings.Count(body, "v1") < 2 {
		t.Errorf("no box plot of both versions:\n%s", body)
	}
}
