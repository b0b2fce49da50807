package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/profiler"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// diagFixture stores an outlier, a panic group and a profile of an
// endpoint whose name, like the captured text, tries to inject markup.
func diagFixture(t *testing.T) (*fixture, int64) {
	f := newFixture(t, nil)
	ctx := context.Background()
	f.record(req(evilName, f.now.Add(-time.Hour), time.Millisecond), req("GET /fine", f.now.Add(-time.Hour), time.Millisecond))
	o := store.Outlier{Service: "svc", Instance: "i1", Endpoint: evilName, Version: "v1", Method: "GET",
		URL: `/x?q="><script>alert(7)</script>`, Status: 200, Start: f.now.Add(-30 * time.Minute),
		Duration: 900 * time.Millisecond, Average: 100 * time.Millisecond, Threshold: 250 * time.Millisecond, CapturedAfter: 260 * time.Millisecond,
		Headers:    []store.KeyValue{{Key: "Authorization", Value: "[redacted]"}, {Key: "X-Evil", Value: `<img src=x onerror=alert(8)>`}},
		Stack:      []store.Frame{{Func: "runtime.gopark"}, {Func: "main.slowBook", File: "/src/main.go", Line: 12}, {Func: "net/http.(*conn).serve"}},
		Goroutines: "1 goroutine\n  main.slowBook <svg onload=alert(9)>\n",
		Host:       store.Host{CPUPercent: []float64{10, 90}, ProcessRSS: 30 << 20, HeapAlloc: 4 << 20, HeapGoal: 8 << 20, Goroutines: 12, GOMAXPROCS: 2}}
	if err := f.store.WriteOutliers(ctx, []store.Outlier{o}); err != nil {
		t.Fatal(err)
	}
	os, err := f.store.Outliers(ctx, store.OutlierFilter{})
	if err != nil || len(os) != 1 {
		t.Fatalf("outliers %v %v", os, err)
	}
	if err := f.store.WritePanics(ctx, []store.Panic{{Service: "svc", Instance: "i1", Endpoint: evilName, Version: "v1", Signature: "s1",
		Value: `<b onmouseover=alert(10)>boom</b>`, Stack: "goroutine 1 [running]:\npanic({0x1})\nmain.slowBook()\n\t/src/main.go:12\n", Count: 3,
		First: f.now.Add(-2 * time.Hour), Last: f.now.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"v1", "v2"} {
		a := profiler.NewAggregator(10*time.Millisecond, f.now.Add(-time.Hour))
		for i := 0; i < 10; i++ {
			a.Add(evilName, []profiler.Frame{{Func: "main.slowBook"}, {Func: "net/http.(*conn).serve"}}, 10*time.Millisecond)
		}
		if v == "v2" {
			a.Add(evilName, []profiler.Frame{{Func: "database/sql.(*DB).Query"}, {Func: "main.slowBook"}, {Func: "net/http.(*conn).serve"}}, 50*time.Millisecond)
		}
		ps, err := a.Flush("svc", "i1", v, f.now.Add(-time.Hour+time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.WriteProfiles(ctx, ps); err != nil {
			t.Fatal(err)
		}
	}
	return f, os[0].ID
}

func TestDiagPagesRender(t *testing.T) {
	f, id := diagFixture(t)
	ep := url.QueryEscape(evilName)
	pages := map[string][]string{
		"/dashboard/outliers": {"Outliers", evilName, "900 ms", "9.0×", "main.slowBook"},
		"/dashboard/outliers?endpoint=" + ep + "&order=slowest": {"Slowest first", "900 ms"},
		"/dashboard/outlier?id=" + strconv.FormatInt(id, 10):    {"Where the request was", "main.slowBook", "[redacted]", "CPU busy", "Every goroutine"},
		"/dashboard/errors":                {"Panics", "<b onmouseover=alert(10)>boom</b>", "v1 ×3", "Server errors"},
		"/dashboard/errors?endpoint=" + ep: {"Errors of"},
		"/dashboard/profile":               {"Profiles", "v2"},
		"/dashboard/profile?endpoint=" + ep + "&version=v2&compare=v1": {"Time per function", "database/sql.(*DB).Query", "gmd-frame", "v2 against v1"},
	}
	for _, who := range []struct{ name, pw string }{{"admin", adminPW}, {"guest", guestPW}} {
		c := f.login(who.name, who.pw)
		for path, wants := range pages {
			t.Run(who.name+" "+path, func(t *testing.T) {
				r := c.get(path)
				wantStatus(t, r, http.StatusOK)
				body := html.UnescapeString(r.body)
				for _, w := range wants {
					if !strings.Contains(body, w) {
						t.Errorf("page lacks %q", w)
					}
				}
				for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "<b onmouseover"} {
					if strings.Contains(r.body, bad) {
						t.Errorf("page holds %q unescaped", bad)
					}
				}
			})
		}
	}
	a := f.login("admin", adminPW)
	for path, status := range map[string]int{
		"/dashboard/outlier?id=999999":                      http.StatusNotFound,
		"/dashboard/outlier?id=x":                           http.StatusBadRequest,
		"/dashboard/outlier":                                http.StatusBadRequest,
		"/dashboard/outliers?order=oldest":                  http.StatusBadRequest,
		"/dashboard/outliers?endpoint=GET+%2Fnope":          http.StatusNotFound,
		"/dashboard/errors?endpoint=GET+%2Fnope":            http.StatusNotFound,
		"/dashboard/profile?endpoint=" + ep + "&version=v7": http.StatusNotFound,
	} {
		wantStatus(t, a.get(path), status)
	}
	// An endpoint without profiles has a page that says so.
	if r := a.get("/dashboard/profile?endpoint=GET+%2Ffine"); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "No profile of this endpoint yet") {
		t.Errorf("profile page of an unprofiled endpoint: %d", r.StatusCode)
	}
}

func TestProfileDownloadIsAnAdmins(t *testing.T) {
	f, _ := diagFixture(t)
	path := "/dashboard/api/profile.pb.gz?endpoint=" + url.QueryEscape(evilName) + "&version=v2"
	wantStatus(t, f.login("guest", guestPW).get(path), http.StatusForbidden)
	r := f.login("admin", adminPW).get(path)
	wantStatus(t, r, http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="profile-GET-script-alert-1-script`) ||
		!strings.HasPrefix(r.body, "\x1f\x8b") {
		t.Errorf("download: Content-Disposition %q, %d bytes", cd, len(r.body))
	}
	if r := f.client().get(path); r.StatusCode == http.StatusOK {
		t.Error("the download works without a login")
	}
}

func TestDiagAPI(t *testing.T) {
	f, id := diagFixture(t)
	g := f.login("guest", guestPW)
	for path, want := range map[string]string{
		"/dashboard/api/outliers?order=slowest":                                               `"duration_ms":900`,
		"/dashboard/api/outlier?id=" + strconv.FormatInt(id, 10):                              `"goroutines":`,
		"/dashboard/api/errors":                                                               `"count":3`,
		"/dashboard/api/profiles":                                                             `"version":"v2"`,
		"/dashboard/api/profile?endpoint=" + url.QueryEscape(evilName) + "&version=v1":        `"root":`,
		"/dashboard/api/profile/compare?endpoint=" + url.QueryEscape(evilName) + "&a=v1&b=v2": `"rows":`,
	} {
		r := g.get(path)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, want) {
			t.Errorf("%s lacks %s: %.300s", path, want, r.body)
		}
		if strings.Contains(r.body, "<script>") {
			t.Errorf("%s holds <script> literally", path)
		}
	}
	if r := f.client().get("/dashboard/api/outliers"); r.StatusCode == http.StatusOK {
		t.Error("api/outliers answers without a login")
	}
}
