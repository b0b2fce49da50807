package ciweb

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-monitoring-dashboard/dashboard/internal/report"
)

//go:embed templates/*.html
var templateFS embed.FS

// Page is the content of one page, for the UI's layout to frame.
type Page struct {
	Title string
	Body  template.HTML
}

// Charts draws the pages' charts as SVG: BoxCharts, or a stand-in in
// tests.
type Charts interface {
	// Boxes draws one box per version, oldest at the top.
	Boxes(title, unit string, boxes []report.VersionBox) template.HTML
}

// ErrNotFound is returned for a test or benchmark without results.
var ErrNotFound = errors.New("not found")

// BadRequest is an error whose message is meant for the user.
type BadRequest struct{ Msg string }

func (e *BadRequest) Error() string { return e.Msg }

// basePages holds the parsed templates, never executed, so that they can
// be cloned (html/template refuses to clone a template that has run);
// pages is the copy most pages render with. Neither changes after start.
var basePages = template.Must(template.New("").Funcs(template.FuncMap{
	"num":    num,
	"pct":    pct,
	"pvalue": pvalue,
	"query":  query,
	"keep":   func() url.Values { return nil }, // the Keep of the Pages that render
	"short":  shortName,
	"itoa":   strconv.Itoa,
	"lower":  strings.ToLower,
	"deref":  func(p *float64) float64 { return *p },
	"pct2":   func(f float64) string { return strconv.FormatFloat(f*100, 'g', 3, 64) + "%" },
	"args":   func(title string, list []report.Comparison) listArgs { return listArgs{title, list} },
	"base": func(name string, procs int) string {
		if procs <= 1 {
			return name
		}
		return strings.TrimSuffix(name, "-"+strconv.Itoa(procs))
	},
}).ParseFS(templateFS, "templates/*.html"))

var pages = template.Must(basePages.Clone())

func (h *Pages) render(name string, data any) (template.HTML, error) {
	t := pages
	if len(h.Keep) > 0 {
		// Links and forms carry Keep: a copy of the templates whose
		// functions add it, for this page only.
		var err error
		if t, err = basePages.Clone(); err != nil {
			return "", err
		}
		t.Funcs(template.FuncMap{
			"query": func(kv ...string) template.URL { return queryKeeping(h.Keep, kv...) },
			"keep":  func() url.Values { return h.Keep },
		})
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // produced by html/template: escaped
}

func (h *Pages) boxes(title, unit string, vb []report.VersionBox) template.HTML {
	if len(vb) == 0 {
		return ""
	}
	if h.Charts == nil {
		return BoxCharts{}.Boxes(title, unit, vb)
	}
	return h.Charts.Boxes(title, unit, vb)
}

// num prints a figure with 3 significant digits, as benchstat does.
func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v == 0:
		return "0"
	case math.Abs(v) >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func pct(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%+.1f%%", *p)
}

func pvalue(p float64) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return strconv.FormatFloat(p, 'f', 4, 64)
}

// query builds a query string from name, value pairs ("" for none).
func query(kv ...string) template.URL { return queryKeeping(nil, kv...) }

// queryKeeping is query with the parameters of keep added.
func queryKeeping(keep url.Values, kv ...string) template.URL {
	v := url.Values{}
	for k, vs := range keep {
		v[k] = vs
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return template.URL("?" + v.Encode())
}

// ReportPage is the version report with its pair picker.
func (h *Pages) ReportPage(ctx context.Context, q url.Values) (Page, error) {
	from, to := q.Get("from"), q.Get("to")
	rep, err := report.Compare(ctx, h.Store, h.Service, from, to, h.Options)
	if errors.Is(err, report.ErrUnknownVersion) {
		return Page{}, &BadRequest{err.Error()}
	}
	if err != nil {
		return Page{}, err
	}
	body, err := h.render("report.html", rep)
	return Page{Title: "Version report", Body: body}, err
}

type listArgs struct {
	Title string
	List  []report.Comparison
}

type testsData struct {
	Version  string
	Versions []string
	Slowest  []report.TestSummary
	Chart    template.HTML
	Changes  []report.Comparison
	From, To string
	More     int
}

// TestsPage lists the slowest tests of a version and the tests whose time
// changed most between the last two versions.
func (h *Pages) TestsPage(ctx context.Context, q url.Values) (Page, error) {
	vs, err := h.Store.CIVersions(ctx, h.Service)
	if err != nil {
		return Page{}, err
	}
	d := testsData{}
	for i := len(vs) - 1; i >= 0; i-- {
		d.Versions = append(d.Versions, vs[i].Name)
	}
	version := q.Get("version")
	if version != "" && !contains(d.Versions, version) {
		return Page{}, &BadRequest{fmt.Sprintf("no CI runs of version %q", version)}
	}
	tests, version, err := report.Tests(ctx, h.Store, h.Service, version)
	if err != nil {
		return Page{}, err
	}
	d.Version = version
	const top = 50
	if len(tests) > top {
		d.More = len(tests) - top
		tests = tests[:top]
	}
	d.Slowest = tests
	var boxes []report.VersionBox
	for i, t := range tests {
		if i == 15 || t.Passed == 0 {
			break
		}
		h, err := report.TestHistory(ctx, h.Store, h.Service, t.Package, t.Name)
		if err != nil {
			return Page{}, err
		}
		for _, vb := range h.Versions {
			if vb.Version == version {
				vb.Version = t.Name
				boxes = append(boxes, vb)
			}
		}
	}
	d.Chart = h.boxes("Duration of each passing run", "ms", boxes)
	changes, from, to, err := report.TestChanges(ctx, h.Store, h.Service, h.Options)
	if err != nil {
		return Page{}, err
	}
	if len(changes) > 20 {
		changes = changes[:20]
	}
	d.Changes, d.From, d.To = changes, from, to
	body, err := h.render("tests.html", d)
	return Page{Title: "Tests", Body: body}, err
}

type historyData struct {
	Kind, Package, Name string
	Series              []seriesData
}

type seriesData struct {
	report.Series
	Chart template.HTML
}

// TestPage shows one test's duration in every version.
func (h *Pages) TestPage(ctx context.Context, q url.Values) (Page, error) {
	pkg, name := q.Get("package"), q.Get("name")
	if name == "" {
		return Page{}, &BadRequest{"which test? give name (and package)"}
	}
	s, err := report.TestHistory(ctx, h.Store, h.Service, pkg, name)
	if err != nil {
		return Page{}, err
	}
	if len(s.Versions) == 0 {
		return Page{}, ErrNotFound
	}
	d := historyData{Kind: "test", Package: pkg, Name: name,
		Series: []seriesData{{*s, h.boxes("Duration of each passing run, per version", "ms", s.Versions)}}}
	body, err := h.render("history.html", d)
	return Page{Title: name, Body: body}, err
}

type benchmarksData struct {
	Benchmarks []report.BenchmarkSummary
}

// BenchmarksPage lists every benchmark with its newest ns/op.
func (h *Pages) BenchmarksPage(ctx context.Context, _ url.Values) (Page, error) {
	bs, err := report.Benchmarks(ctx, h.Store, h.Service)
	if err != nil {
		return Page{}, err
	}
	body, err := h.render("benchmarks.html", benchmarksData{bs})
	return Page{Title: "Benchmarks", Body: body}, err
}

// BenchmarkPage shows every metric of one benchmark in every version.
func (h *Pages) BenchmarkPage(ctx context.Context, q url.Values) (Page, error) {
	pkg, name := q.Get("package"), q.Get("name")
	procs := 1
	if p := q.Get("procs"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return Page{}, &BadRequest{fmt.Sprintf("procs %q: want a GOMAXPROCS of 1 or more", p)}
		}
		procs = n
	}
	if name == "" {
		return Page{}, &BadRequest{"which benchmark? give name, package and procs"}
	}
	ss, err := report.BenchmarkHistory(ctx, h.Store, h.Service, pkg, name, procs)
	if err != nil {
		return Page{}, err
	}
	if len(ss) == 0 {
		return Page{}, ErrNotFound
	}
	d := historyData{Kind: "benchmark", Package: pkg, Name: report.BenchmarkName(name, procs)}
	for _, s := range ss {
		d.Series = append(d.Series, seriesData{s, h.boxes("Each -count sample, per version", s.Unit, s.Versions)})
	}
	body, err := h.render("history.html", d)
	return Page{Title: d.Name, Body: body}, err
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// shortName shortens a package path for tables: the last two elements.
func shortName(pkg string) string {
	parts := strings.Split(pkg, "/")
	if len(parts) <= 2 {
		return pkg
	}
	return "…/" + strings.Join(parts[len(parts)-2:], "/")
}
