package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/diag"
	"github.com/go-monitoring-dashboard/dashboard/internal/profiler"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// diagAPIData stores outliers, panics, requests and profiles of two
// versions (moved here with the diagnostics API from internal/diag).
func diagAPIData(t testing.TB, s store.Store) {
	t.Helper()
	base := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	ctx := context.Background()
	stack := []store.Frame{{Func: "runtime.gopark"}, {Func: "time.Sleep"}, {Func: "main.slowBook", File: "/src/main.go", Line: 12},
		{Func: "net/http.HandlerFunc.ServeHTTP"}}
	var os []store.Outlier
	for i, d := range []time.Duration{300, 900, 500} {
		os = append(os, store.Outlier{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Version: "v1", Method: "GET",
			URL: "/books/1", Status: 200, Start: base.Add(time.Duration(i) * time.Minute), Duration: d * time.Millisecond,
			Average: 100 * time.Millisecond, Threshold: 250 * time.Millisecond, Stack: stack, Goroutines: "dump"})
	}
	if err := s.WriteOutliers(ctx, os); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, &store.Batch{Service: "svc", Instance: "i1",
		Counters: []store.Counter{{Service: "svc", Instance: "i1", Name: "outliers_skipped_rate_limit", Value: 4}},
		Requests: []store.Request{
			{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Method: "GET", Status: 500, Start: base, Duration: time.Millisecond, Version: "v1"},
			{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Method: "GET", Status: 200, Start: base, Duration: time.Millisecond, Version: "v1"},
		}}); err != nil {
		t.Fatal(err)
	}
	if err := s.WritePanics(ctx, []store.Panic{{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Version: "v1",
		Signature: "abc", Value: "boom", Stack: "goroutine 1 [running]:\npanic({0x1, 0x2})\n\t/go/panic.go:1 +0x1\nmain.slowBook(0xc0001)\n\t/src/main.go:12 +0x2\n",
		Count: 2, First: base, Last: base.Add(time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		version string
		db      time.Duration
	}{{"v1", 10}, {"v2", 30}} {
		a := profiler.NewAggregator(10*time.Millisecond, base)
		for i := 0; i < 10; i++ {
			a.Add("GET /books/{id}", []profiler.Frame{{Func: "main.render"}, {Func: "main.slowBook"}, {Func: "net/http.(*conn).serve"}}, 10*time.Millisecond)
		}
		for i := time.Duration(0); i < v.db; i++ {
			a.Add("GET /books/{id}", []profiler.Frame{{Func: "database/sql.(*DB).Query"}, {Func: "main.slowBook"}, {Func: "net/http.(*conn).serve"}}, 10*time.Millisecond)
		}
		ps, err := a.Flush("svc", "i1", v.version, base.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.WriteProfiles(ctx, ps); err != nil {
			t.Fatal(err)
		}
	}
}

// diagServer is the UI over diagAPIData, with a logged-in admin.
type diagServer struct{ c *client }

func serve(t testing.TB) diagServer {
	t.Helper()
	f := newFixture(t, nil)
	diagAPIData(t, f.store)
	return diagServer{f.login("admin", adminPW)}
}

func getJSON(t testing.TB, srv diagServer, path string, wantStatus int, v any) {
	t.Helper()
	resp := srv.c.get("/dashboard/api/" + path)
	body := resp.body
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s: %d %s, want %d", path, resp.StatusCode, body, wantStatus)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
}

func TestAPIOutliers(t *testing.T) {
	srv := serve(t)
	ep := url.QueryEscape("GET /books/{id}")
	for _, c := range []struct {
		order string
		want  []time.Duration
	}{
		{"newest", []time.Duration{500, 900, 300}},
		{"slowest", []time.Duration{900, 500, 300}},
	} {
		var l diag.OutlierList
		getJSON(t, srv, "outliers?endpoint="+ep+"&order="+c.order, 200, &l)
		var got []time.Duration
		for _, o := range l.Outliers {
			got = append(got, o.Duration.D()/time.Millisecond)
		}
		if len(got) != 3 || got[0] != c.want[0] || got[1] != c.want[1] || got[2] != c.want[2] {
			t.Errorf("%s: %v, want %v", c.order, got, c.want)
		}
		if l.Counts.Skipped != 4 || l.Outliers[0].Ratio < 3 || l.Outliers[0].Where.Func != "main.slowBook" {
			t.Errorf("%s: counts %+v, first %+v", c.order, l.Counts, l.Outliers[0])
		}
	}
	var l diag.OutlierList
	getJSON(t, srv, "outliers?endpoint="+ep+"&limit=1", 200, &l)
	var d diag.OutlierDetail
	getJSON(t, srv, "outlier?id="+strconv.FormatInt(l.Outliers[0].ID, 10), 200, &d)
	if d.Goroutines != "dump" || len(d.Stack) != 4 || d.Stack[2].Kind != diag.KindApp || d.Stack[2].Folded {
		t.Errorf("detail %+v", d)
	}
	for _, c := range []struct{ path, want string }{
		{"outliers?limit=abc", "limit: want a whole number from 1 to 1000"},
		{"outliers?order=oldest", "order: want newest or slowest"},
		{"outliers?endpoint=" + strings.Repeat("x", 300), "endpoint: want a name of at most 255 characters"},
		{"outlier", "id: missing"},
		{"outlier?id=-1", "id: want a whole number"},
		{"outliers?endpoint=%zz", "query"},
		{"profile?endpoint=x", "version: missing"},
		{"errors?since=yesterday", "since: want a time"},
	} {
		var e map[string]string
		getJSON(t, srv, c.path, 400, &e)
		if !strings.Contains(e["error"], c.want) {
			t.Errorf("%s: error %q, want %q", c.path, e["error"], c.want)
		}
	}
	getJSON(t, srv, "outlier?id=999999", 404, nil)
}

func TestAPIErrors(t *testing.T) {
	srv := serve(t)
	var e diag.Errors
	getJSON(t, srv, "errors", 200, &e)
	if len(e.Groups) != 1 || e.Groups[0].Count != 2 || e.Groups[0].Where != "main.slowBook" || len(e.Groups[0].Versions) != 1 {
		t.Errorf("groups %+v", e.Groups)
	}
	if len(e.ServerErrors) != 1 || e.ServerErrors[0].Errors != 1 || e.ServerErrors[0].Requests != 2 || e.ServerErrors[0].Share != 0.5 {
		t.Errorf("server errors %+v", e.ServerErrors)
	}
	for _, since := range []string{"1", "2026-03-04T10:00:00Z", "876000h"} {
		var all diag.Errors
		getJSON(t, srv, "errors?since="+since, 200, &all)
		if len(all.Groups) != 1 {
			t.Errorf("since=%s: %d groups, want 1", since, len(all.Groups))
		}
	}
	var none diag.Errors
	getJSON(t, srv, "errors?since=2099-01-01T00:00:00Z", 200, &none)
	if len(none.Groups) != 0 || len(none.ServerErrors) != 0 {
		t.Errorf("since the future: %+v", none)
	}
	getJSON(t, srv, "errors?endpoint=GET+/nothing", 200, &e)
	if len(e.Groups) != 0 || len(e.ServerErrors) != 0 {
		t.Errorf("other endpoint: %+v", e)
	}
}

func TestAPIProfiles(t *testing.T) {
	srv := serve(t)
	ep := url.QueryEscape("GET /books/{id}")
	var sums []diag.Summary
	getJSON(t, srv, "profiles", 200, &sums)
	if len(sums) != 2 || sums[0].Version != "v1" || sums[1].Samples != 40 || sums[1].Wall.D() != 400*time.Millisecond {
		t.Errorf("summaries %+v", sums)
	}
	var v diag.ProfileView
	getJSON(t, srv, "profile?endpoint="+ep+"&version=v2", 200, &v)
	if v.Samples != 40 || v.Wall.D() != 400*time.Millisecond || v.Root.Value != int64(400*time.Millisecond) {
		t.Errorf("view: samples %d wall %v root %d", v.Samples, v.Wall, v.Root.Value)
	}
	if len(v.Root.Children) != 1 || v.Root.Children[0].Name != "net/http.(*conn).serve" ||
		v.Root.Children[0].Children[0].Children[0].Name != "database/sql.(*DB).Query" {
		t.Errorf("tree: %+v", v.Root.Children)
	}
	shares := map[string]diag.FuncRow{}
	for _, f := range v.Top {
		shares[f.Func] = f
	}
	if f := shares["database/sql.(*DB).Query"]; f.CumShare != 0.75 || f.FlatShare != 0.75 {
		t.Errorf("database share %+v, want 3/4", f)
	}
	if f := shares["main.slowBook"]; f.CumShare != 1 || f.Flat != 0 {
		t.Errorf("handler %+v, want all of the time, none flat", f)
	}
	var c diag.Comparison
	getJSON(t, srv, "profile/compare?endpoint="+ep+"&a=v1&b=v2", 200, &c)
	if len(c.Rows) == 0 || c.Rows[0].Delta <= 0 || c.WallA.D() != 200*time.Millisecond || c.WallB.D() != 400*time.Millisecond {
		t.Errorf("comparison %+v", c)
	}
	getJSON(t, srv, "profile?endpoint="+ep+"&version=v9", 404, nil)
}

func TestDownloadOpensInGoToolPprof(t *testing.T) {
	srv := serve(t)
	resp := srv.c.get("/dashboard/api/profile.pb.gz?endpoint=" + url.QueryEscape("GET /books/{id}") + "&version=v2")
	data := []byte(resp.body)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="profile-GET-books-id-v2.pb.gz"`) {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			t.Skip("no go command")
		}
	}
	file := filepath.Join(t.TempDir(), "p.pb.gz")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(goTool, "tool", "pprof", "-top", file).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof -top: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "database/sql.(*DB).Query") || !strings.Contains(string(out), "75.00%") {
		t.Errorf("pprof -top:\n%s", out)
	}
}

func FuzzAPIParameters(f *testing.F) {
	fx := newFixture(f, nil)
	diagAPIData(f, fx.store)
	c := fx.login("admin", adminPW)
	for _, q := range []string{"endpoint=GET+/books/{id}&order=slowest&limit=3", "id=1", "limit=-1", "since=24h", "endpoint=%ff", "a=v1&b=v2&endpoint=x"} {
		f.Add("outliers", q)
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		for _, p := range []string{"outliers", "outlier", "errors", "profiles", "profile", "profile.pb.gz", "profile/compare"} {
			u := &url.URL{Path: "/dashboard/api/" + p, RawQuery: query}
			req, err := http.NewRequest(http.MethodGet, fx.ts.URL+u.String(), nil)
			if err != nil {
				// A query with control characters cannot be sent in a
				// request line at all: no client can reach the API with it.
				t.Skipf("not a sendable query: %v", err)
			}
			resp, err := c.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 500 {
				t.Fatalf("%s?%s: 500 %s", p, query, body)
			}
		}
	})
}
