package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/chart"
	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

const evilName = `GET /"><script>alert(1)</script>`

func TestEveryPageRendersForAdmin(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond), req("POST /b", f.now.Add(-48*time.Hour), 3*time.Millisecond))
	a := f.login("admin", adminPW)
	pages := map[string]string{
		"/dashboard/":                                 "GET /a",
		"/dashboard/endpoints":                        "POST /b",
		"/dashboard/endpoint?name=GET+%2Fa":           "Per version",
		"/dashboard/endpoint?name=GET+%2Fa&range=all": "Per version",
		"/dashboard/versions":                         "v1",
		"/dashboard/versions?range=24h":               "v1",
		"/dashboard/export":                           "api/requests",
		"/dashboard/settings":                         "SAMPLING_PERIOD",
		"/dashboard/users":                            "Add a user",
		"/dashboard/account":                          "Change your password",
	}
	for path, want := range pages {
		t.Run(path, func(t *testing.T) {
			r := a.get(path)
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(html.UnescapeString(r.body), want) {
				t.Errorf("page lacks %q", want)
			}
			if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	for path, status := range map[string]int{
		"/dashboard/endpoint?name=GET+%2Fnope":       http.StatusNotFound,
		"/dashboard/endpoint?name=GET+%2Fa&range=1y": http.StatusBadRequest,
		"/dashboard/versions?since=yesterday":        http.StatusBadRequest,
		"/dashboard/nope":                            http.StatusNotFound,
	} {
		r := a.get(path)
		wantStatus(t, r, status)
		if !strings.Contains(r.body, "<nav") {
			t.Errorf("%s: the error page lacks the layout", path)
		}
	}
}

func TestOverviewCounts(t *testing.T) {
	f := newFixture(t, nil) // now is 2026-03-04 12:00 UTC
	var reqs []store.Request
	for i := 0; i < 10; i++ { // today: 10 of 1..10 ms, one a 500
		r := req("GET /a", f.now.Add(-time.Duration(i+1)*time.Minute), time.Duration(i+1)*time.Millisecond)
		if i == 0 {
			r.Status = 500
		}
		reqs = append(reqs, r)
	}
	for i := 0; i < 5; i++ { // three days ago
		reqs = append(reqs, req("GET /a", f.now.Add(-72*time.Hour), 100*time.Millisecond))
	}
	reqs = append(reqs, req("GET /a", f.now.Add(-20*24*time.Hour), 100*time.Millisecond)) // 20 days ago
	f.record(reqs...)
	sv := &shown{Name: "svc", Own: true}
	o, err := query.Overview(t.Context(), f.srv.scope(sv), query.Window{})
	if err != nil {
		t.Fatal(err)
	}
	rows := f.srv.running(sv, o.Endpoints)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	r := rows[0]
	if r.HitsToday != 10 || r.HitsWeek != 15 || r.Hits != 16 || r.Errors != 1 {
		t.Errorf("today %d, week %d, all %d, errors %d; want 10, 15, 16, 1", r.HitsToday, r.HitsWeek, r.Hits, r.Errors)
	}
	med, p95 := r.MedianMs, r.P95Ms
	// Sixteen durations: 1..10 ms and six of 100 ms; the 8th is 8 ms.
	// Read from the log histogram: within 2%.
	if med < 7.84 || med > 8.16 || p95 < 98 || p95 > 100 {
		t.Errorf("median %v ms, p95 %v ms; want about 8 and 100", med, p95)
	}
	api := mustJSON[[]map[string]any](t, f.login("guest", guestPW).get("/dashboard/api/endpoints"))
	if len(api) != 1 || api[0]["hits"] != 16.0 || api[0]["p95_ms"] != roundMs(p95) || api[0]["level"] != 1.0 {
		t.Errorf("api/endpoints = %v", api)
	}
	since := f.now.Add(-2 * time.Hour).Format(time.RFC3339)
	api = mustJSON[[]map[string]any](t, f.login("guest", guestPW).get("/dashboard/api/endpoints?since="+url.QueryEscape(since)))
	if api[0]["hits"] != 10.0 {
		t.Errorf("api/endpoints?since=2h ago: hits %v, want 10", api[0]["hits"])
	}
	until := f.now.Add(-24 * time.Hour).Unix()
	api = mustJSON[[]map[string]any](t, f.login("guest", guestPW).get("/dashboard/api/endpoints?until="+strconv.FormatInt(until, 10)))
	if api[0]["hits"] != 6.0 {
		t.Errorf("api/endpoints?until=yesterday: hits %v, want 6", api[0]["hits"])
	}
}

// Attacker-controlled text (endpoint names, user names, IPs, versions)
// appears escaped on every page.
func TestAttackerTextIsEscaped(t *testing.T) {
	f := newFixture(t, nil)
	f.record(store.Request{Endpoint: evilName, Start: f.now.Add(-time.Hour), Duration: time.Millisecond,
		Group: `<img src=x onerror=alert(2)>`, IP: `"><svg onload=alert(3)>`, Version: `v<script>alert(4)</script>`})
	evilUser := `<b onmouseover=alert(5)>eve</b>`
	a := f.login("admin", adminPW)
	wantStatus(t, a.post("/dashboard/users/add", a.form("username", evilUser, "role", "guest", "password", "eve-password-1")), http.StatusSeeOther)
	e := f.login(evilUser, "eve-password-1")
	pages := []string{"/dashboard/", "/dashboard/endpoints", "/dashboard/endpoint?name=" + url.QueryEscape(evilName),
		"/dashboard/versions", "/dashboard/export", "/dashboard/settings", "/dashboard/users", "/dashboard/account"}
	for _, p := range pages {
		for _, c := range []*client{a, e} {
			r := c.get(p)
			if r.StatusCode == http.StatusForbidden {
				continue
			}
			wantStatus(t, r, http.StatusOK)
			for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "<b onmouseover"} {
				if strings.Contains(r.body, bad) {
					t.Errorf("%s holds %q unescaped", p, bad)
				}
			}
		}
	}
	if !strings.Contains(a.get("/dashboard/").body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the overview does not show the endpoint's name, escaped")
	}
	if !strings.Contains(a.get("/dashboard/users").body, "&lt;b onmouseover=alert(5)&gt;eve&lt;/b&gt;") {
		t.Error("the users page does not show the user's name, escaped")
	}
	// An error message quoting the parameter escapes it too.
	r := a.get("/dashboard/endpoint?name=" + url.QueryEscape("<script>alert(6)</script>"))
	wantStatus(t, r, http.StatusNotFound)
	if strings.Contains(r.body, "<script>alert(6)") {
		t.Error("the 404 page holds the name unescaped")
	}
	// JSON escapes <, > and & too, so a browser that sniffed it would find no tag.
	r = a.get("/dashboard/api/endpoints")
	if strings.Contains(r.body, "<script>") {
		t.Error("api/endpoints holds <script> literally")
	}
}

func TestLevelsChangeFromTheTable(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req(evilName, f.now.Add(-time.Hour), time.Millisecond))
	a := f.login("admin", adminPW)
	page := a.get("/dashboard/endpoints").body
	if !strings.Contains(page, `name="level" value="3"`) {
		t.Fatal("the admin's table has no level buttons")
	}
	r := a.post("/dashboard/endpoints/level", a.form("endpoint", evilName, "level", "3"))
	wantStatus(t, r, http.StatusSeeOther)
	if f.levels[evilName] != 3 {
		t.Errorf("level %d, want 3", f.levels[evilName])
	}
	page = a.get(r.Header.Get("Location")).body
	if !strings.Contains(page, "set to profiler") || !strings.Contains(page, `value="3" title="profiler" aria-pressed="true"`) {
		t.Error("the table does not show the new level and a confirmation")
	}
	if strings.Contains(a.get("/dashboard/endpoints").body, "set to profiler") {
		t.Error("the confirmation is shown twice")
	}
	// Through the API, as the page's script does.
	r = a.postJSON("/dashboard/api/endpoints/level", map[string]any{"endpoint": evilName, "level": 0}, "X-CSRF-Token", a.csrf)
	wantStatus(t, r, http.StatusOK)
	if f.levels[evilName] != 0 {
		t.Errorf("level %d, want 0", f.levels[evilName])
	}
	for name, tc := range map[string]struct {
		body   any
		ctype  string
		status int
		msg    string
	}{
		"unknown endpoint": {map[string]any{"endpoint": "GET /nope", "level": 1}, "application/json", 404, "no endpoint"},
		"level too high":   {map[string]any{"endpoint": evilName, "level": 4}, "application/json", 400, "level"},
		"no level":         {map[string]any{"endpoint": evilName}, "application/json", 400, "level"},
		"no endpoint":      {map[string]any{"level": 1}, "application/json", 400, "endpoint"},
		"level as text":    {map[string]any{"endpoint": evilName, "level": "1"}, "application/json", 400, "level"},
		"unknown field":    {map[string]any{"endpoint": evilName, "level": 1, "x": 1}, "application/json", 400, "x"},
		"form body":        {map[string]any{"endpoint": evilName, "level": 1}, "text/plain", 415, "application/json"},
	} {
		t.Run(name, func(t *testing.T) {
			r := a.postJSON("/dashboard/api/endpoints/level", tc.body, "X-CSRF-Token", a.csrf, "Content-Type", tc.ctype)
			wantStatus(t, r, tc.status)
			if msg := jsonError(t, r); !strings.Contains(msg, tc.msg) {
				t.Errorf("error %q does not name %q", msg, tc.msg)
			}
		})
	}
	if f.levels[evilName] != 0 {
		t.Errorf("a refused request changed the level to %d", f.levels[evilName])
	}
}

func TestAPIErrorsAreJSON(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond))
	a := f.login("admin", adminPW)
	cases := []struct {
		method, path string
		status       int
		names        string
	}{
		{"GET", "/dashboard/api/endpoints?since=tomorrow", 400, "since"},
		{"GET", "/dashboard/api/endpoints?until=1e9", 400, "until"},
		{"GET", "/dashboard/api/endpoints?since=2026-03-04T00:00:00Z&until=2026-03-03T00:00:00Z", 400, "until"},
		{"GET", "/dashboard/api/requests?format=xml", 400, "format"},
		{"GET", "/dashboard/api/requests?limit=0", 400, "limit"},
		{"GET", "/dashboard/api/requests?limit=10&format=csv", 400, "limit"},
		{"GET", "/dashboard/api/requests?after=-1", 400, "after"},
		{"GET", "/dashboard/api/requests?endpoint=GET+%2Fnope", 404, "GET /nope"},
		{"GET", "/dashboard/api/outliers?endpoint=GET+%2Fnope", 404, "GET /nope"},
		{"GET", "/dashboard/api/nope", 404, "no page"},
		{"DELETE", "/dashboard/api/endpoints", 405, "GET"},
		{"GET", "/dashboard/api/endpoints/level", 405, "POST"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := a.do(tc.method, tc.path, nil, "X-CSRF-Token", a.csrf)
			wantStatus(t, r, tc.status)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if msg := jsonError(t, r); !strings.Contains(msg, tc.names) {
				t.Errorf("error %q does not name %q", msg, tc.names)
			}
			if tc.status == 405 && r.Header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
	if r := a.get("/dashboard/api/outliers"); !strings.Contains(r.body, `"outliers":[]`) {
		t.Errorf("api/outliers = %q, want an empty list", r.body)
	}
}

func TestVersionsAPI(t *testing.T) {
	f := newFixture(t, nil)
	r1 := req("GET /a", f.now.Add(-50*time.Hour), 10*time.Millisecond)
	r2 := req("GET /a", f.now.Add(-time.Hour), 20*time.Millisecond)
	r1.Version, r2.Version = "v1", "v2"
	f.record(r1, r2, r2)
	vs := mustJSON[[]map[string]any](t, f.login("guest", guestPW).get("/dashboard/api/versions"))
	if len(vs) != 2 || vs[0]["version"] != "v2" || vs[0]["hits"] != 2.0 || vs[1]["version"] != "v1" || vs[1]["hits"] != 1.0 {
		t.Fatalf("api/versions = %v", vs)
	}
	if fs, _ := vs[1]["first_seen"].(string); !strings.HasPrefix(fs, "2026-03-02T10:00:00") {
		t.Errorf("first_seen %v, want the first request's time", vs[1]["first_seen"])
	}
	body := f.login("guest", guestPW).get("/dashboard/versions").body
	if !strings.Contains(body, "+100.00%") {
		t.Error("the versions page does not show the median's change from v1 to v2")
	}
}

func TestSettingsShowNoSecret(t *testing.T) {
	f := newFixture(t, map[string]string{"SECURITY_TOKEN": "token-that-is-long-enough", "DATABASE": "postgres://u:dbsecret@h/db"})
	body := f.login("admin", adminPW).get("/dashboard/settings").body
	for _, secret := range []string{adminPW, guestPW, "token-that-is-long-enough", "dbsecret"} {
		if strings.Contains(body, secret) {
			t.Errorf("the settings page shows a secret %q", secret)
		}
	}
	for _, want := range []string{"4\u202f242", `Being batched</div><div class="value">542<`, "disk &lt;full&gt;", "APP_VERSION", "v9", "code", "default"} {
		if !strings.Contains(body, want) {
			t.Errorf("the settings page lacks %q", want)
		}
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	f := newFixture(t, nil)
	a := f.login("admin", adminPW)
	for _, p := range []string{"/dashboard/", "/dashboard/login", "/dashboard/api/endpoints", "/dashboard/static/app.js", "/dashboard/nope", "/dashboard/api/requests?format=csv"} {
		for _, c := range []*client{a, f.client()} {
			r := c.get(p)
			h := r.Header
			if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" {
				t.Errorf("%s (%d): security headers missing: %v", p, r.StatusCode, h)
			}
			if !strings.Contains(p, "/static/") && h.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", p, h.Get("Cache-Control"))
			}
		}
	}
	// No inline script anywhere: every <script> has a src.
	for _, p := range []string{"/dashboard/", "/dashboard/endpoints", "/dashboard/users", "/dashboard/login"} {
		body := a.get(p).body
		if strings.Count(body, "<script") != strings.Count(body, "<script src=") {
			t.Errorf("%s has an inline script", p)
		}
		if strings.Contains(body, " style=") || strings.Contains(body, " onclick=") {
			t.Errorf("%s has inline style or handlers the CSP would block", p)
		}
	}
}

func TestStaticFilesAreTheEmbeddedOnes(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client()
	names, _ := fs.Glob(embedded, "static/*")
	if len(names) < 2 {
		t.Fatalf("embedded files: %v", names)
	}
	for _, n := range names {
		want, _ := fs.ReadFile(embedded, n)
		r := c.get("/dashboard/" + n)
		wantStatus(t, r, http.StatusOK)
		if !bytes.Equal([]byte(r.body), want) {
			t.Errorf("%s: served bytes differ from the embedded ones", n)
		}
		etag := r.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", n)
		}
		wantStatus(t, c.get("/dashboard/"+n, "If-None-Match", etag), http.StatusNotModified)
	}
	for name, want := range map[string]string{"chart.css": chart.CSS, "chart.js": chart.Script} {
		r := c.get("/dashboard/static/" + name)
		wantStatus(t, r, http.StatusOK)
		if r.body != want {
			t.Errorf("%s: served bytes differ from the chart package's", name)
		}
		wantStatus(t, c.get("/dashboard/static/"+name, "If-None-Match", r.Header.Get("ETag")), http.StatusNotModified)
	}
	for _, p := range []string{"/dashboard/static/", "/dashboard/static/nope.js", "/dashboard/static/../web.go", "/dashboard/static/%2e%2e/web.go"} {
		if r := c.get(p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, r.StatusCode)
		}
	}
	if ct := c.get("/dashboard/static/app.css").Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("app.css Content-Type %q", ct)
	}
}

func TestPagesCarryTheirCharts(t *testing.T) {
	f := newFixture(t, nil)
	r1, r2 := req("GET /a", f.now.Add(-3*time.Hour), 10*time.Millisecond), req("GET /a", f.now.Add(-50*time.Hour), 20*time.Millisecond)
	r2.Version, r2.Status = "v0", 503
	f.record(r1, r2, req(evilName, f.now.Add(-time.Hour), time.Millisecond))
	g := f.login("guest", guestPW)
	for path, want := range map[string][]string{
		"/dashboard/":                       {"gmd-chart-heatmap", "gmd-chart-bars"},
		"/dashboard/endpoint?name=GET+%2Fa": {"gmd-chart-heatmap", "gmd-chart-bars", "gmd-chart-boxplot", "gmd-chart-lines", "gmd-chart-bubble", "Duration per user", "Duration per IP"},
		"/dashboard/versions":               {"gmd-chart-boxplot"},
	} {
		body := g.get(path).body
		for _, class := range want {
			if !strings.Contains(body, class) {
				t.Errorf("%s lacks a chart of class %s", path, class)
			}
		}
		if strings.Contains(body, "<script>alert") {
			t.Errorf("%s: a chart holds a name unescaped", path)
		}
	}
	// The heatmap counts what was recorded: its hover titles carry counts.
	body := g.get("/dashboard/endpoint?name=GET+%2Fa").body
	for _, want := range []string{"5xx", "2xx", "v0", "first seen 2026-03-02"} {
		if !strings.Contains(body, want) {
			t.Errorf("the endpoint's charts lack %q", want)
		}
	}
}

func TestManyUsersArePickedAndSaidSo(t *testing.T) {
	f := newFixture(t, nil)
	var reqs []store.Request
	for i := 0; i < 30; i++ {
		r := req("GET /a", f.now.Add(-time.Duration(i+1)*time.Minute), time.Duration(i+1)*time.Millisecond)
		r.Group = "user-" + strconv.Itoa(i)
		r.IP = "<ip>"
		reqs = append(reqs, r)
	}
	f.record(reqs...)
	body := f.login("guest", guestPW).get("/dashboard/endpoint?name=GET+%2Fa").body
	if !strings.Contains(body, "busiest") || !strings.Contains(body, "slowest of 30 users") {
		t.Error("the per-user charts do not say that they show a choice of the users")
	}
	if strings.Contains(body, "<ip>") {
		t.Error("an IP is shown unescaped")
	}
	if !strings.Contains(body, "exact counts and durations, percentiles within 2%") || strings.Contains(body, "(estimates)") {
		t.Error("the per-user charts do not say that their figures are exact")
	}
}

// TestUsersBeyondTheLimitAreEstimates: users past GROUP_LIMIT on a day are
// listed with their bounded counts, and the page says by how much they
// may be off.
func TestUsersBeyondTheLimitAreEstimates(t *testing.T) {
	f := newFixture(t, nil)
	var reqs []store.Request
	for i := 0; i < 8; i++ {
		for j := 0; j <= i; j++ {
			r := req("GET /a", f.now.Add(-time.Duration(j+1)*time.Second), time.Millisecond)
			r.Service, r.Instance, r.Method, r.Status, r.Version = "svc", "i1", "GET", 200, "v1"
			r.Group = "user-" + strconv.Itoa(i)
			r.IP = "10.0.0.1"
			reqs = append(reqs, r)
		}
	}
	f.record() // the endpoint's level
	if err := f.store.Write(context.Background(), &store.Batch{Service: "svc", Instance: "i1", Requests: reqs, GroupLimit: 2}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.levels["GET /a"] = 1
	f.mu.Unlock()
	body := f.login("guest", guestPW).get("/dashboard/endpoint?name=GET+%2Fa").body
	for _, want := range []string{"Busiest users beyond the first 2 of a day (estimates)",
		"Beyond the first 2 users of each day, 33 requests were counted by a summary of 2 counters",
		"user-7", "see the estimates below"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "IPs beyond the first") {
		t.Error("one address, yet its figures are called estimates")
	}
}

// TestAPICallers: api/callers says which figures are exact and which are
// estimates, within what bound.
func TestAPICallers(t *testing.T) {
	f := newFixture(t, nil)
	var reqs []store.Request
	for i := 0; i < 8; i++ {
		for j := 0; j <= i; j++ {
			r := req("GET /a", f.now.Add(-time.Duration(j+1)*time.Second), time.Millisecond)
			r.Service, r.Instance, r.Method, r.Status, r.Version = "svc", "i1", "GET", 200, "v1"
			r.Group, r.IP = "user-"+strconv.Itoa(i), "10.0.0.1"
			reqs = append(reqs, r)
		}
	}
	if err := f.store.Write(context.Background(), &store.Batch{Service: "svc", Instance: "i1", Requests: reqs, GroupLimit: 2}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.levels["GET /a"] = 1
	f.mu.Unlock()
	c := f.login("guest", guestPW)
	var got struct {
		From  *string `json:"from"`
		Users struct {
			Exact      bool  `json:"exact"`
			Names      int   `json:"names"`
			Summarized int64 `json:"summarized_requests"`
			Bound      int64 `json:"bound"`
			Slots      int   `json:"slots"`
			Shown      []struct {
				Name string `json:"name"`
				Hits int64  `json:"hits"`
			} `json:"shown"`
			Estimates []struct {
				Name   string `json:"name"`
				AtMost int64  `json:"hits_at_most"`
				Over   int64  `json:"overstated_by_at_most"`
			} `json:"estimates"`
		} `json:"users"`
		IPs struct {
			Exact bool `json:"exact"`
		} `json:"ips"`
	}
	res := c.get("/dashboard/api/callers?endpoint=GET+%2Fa")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, res.body)
	}
	if err := json.Unmarshal([]byte(res.body), &got); err != nil {
		t.Fatal(err)
	}
	u := got.Users
	if u.Exact || u.Names != 2 || u.Summarized != 33 || u.Slots != 2 || u.Bound*2 > 33 || len(u.Shown) != 2 || !got.IPs.Exact || got.From != nil {
		t.Errorf("answer %s", res.body)
	}
	made := map[string]int64{}
	for i := 0; i < 8; i++ {
		made["user-"+strconv.Itoa(i)] = int64(i + 1)
	}
	for _, e := range u.Estimates {
		if f := made[e.Name]; e.AtMost < f || e.AtMost-e.Over > f || e.Over > u.Bound {
			t.Errorf("%s: at most %d, over by at most %d; made %d", e.Name, e.AtMost, e.Over, f)
		}
	}
	if res := c.get("/dashboard/api/callers"); res.StatusCode != 400 {
		t.Errorf("without an endpoint: status %d", res.StatusCode)
	}
	if res := c.get("/dashboard/api/callers?endpoint=GET+%2Fnope"); res.StatusCode != 404 {
		t.Errorf("an unknown endpoint: status %d", res.StatusCode)
	}
}

// An endpoint the running dashboard knows but has not written yet has a
// page (the endpoints table links to it) with its level and no figures.
func TestEndpointNotStoredYet(t *testing.T) {
	f := newFixture(t, nil)
	f.levels["GET /new"] = 2
	a := f.login("admin", adminPW)
	r := a.get("/dashboard/endpoint?name=GET+%2Fnew")
	wantStatus(t, r, http.StatusOK)
	for _, want := range []string{"GET /new", "2 · outliers", "No requests in this time range."} {
		if !strings.Contains(html.UnescapeString(r.body), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(r.body, "gmd-chart") {
		t.Error("the page draws charts of nothing")
	}
	if !strings.Contains(html.UnescapeString(a.get("/dashboard/endpoints").body), "GET /new") {
		t.Error("the endpoints table lacks the endpoint")
	}
}

func TestZoneName(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	winter := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	if got := zoneName(ams, winter); got != "Europe/Amsterdam" {
		t.Errorf("a named zone: %q", got)
	}
	if got := zoneName(time.UTC, winter); got != "UTC" {
		t.Errorf("UTC: %q", got)
	}
	// The machine's zone says what it is instead of Go's "Local".
	got := zoneName(time.Local, winter)
	_, off := winter.In(time.Local).Zone()
	if !strings.HasPrefix(got, "the server's zone, ") || strings.Contains(got, "Local") || (off == 0) != strings.HasSuffix(got, "UTC") {
		t.Errorf("the local zone: %q (offset %d)", got, off)
	}
}
