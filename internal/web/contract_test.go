package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestAPINotFoundAndMethodNotAllowed holds the answers docs/API.md
// promises for an unknown route and a wrong method: JSON with the
// status, and Allow on a 405. Pages answer the same statuses as pages.
func TestAPINotFoundAndMethodNotAllowed(t *testing.T) {
	f := newFixture(t, nil)
	admin := f.login("admin", adminPW)
	cases := []struct {
		name, method, path string
		status             int
		allow, want        string
	}{
		{"unknown API route", "GET", "/dashboard/api/nope", 404, "", "no page at /dashboard/api/nope"},
		{"unknown API route below a known one", "GET", "/dashboard/api/endpoints/x", 404, "", "no page at"},
		{"POST to a GET route", "POST", "/dashboard/api/endpoints", 405, "GET", "method POST not allowed (allowed: GET)"},
		{"GET of a POST route", "GET", "/dashboard/api/endpoints/level", 405, "POST", "method GET not allowed (allowed: POST)"},
		{"made-up method", "M1", "/dashboard/api/versions", 405, "GET", "method M1 not allowed"},
		{"DELETE of the upload, uploads disabled", "DELETE", "/dashboard/api/upload", 403, "", "uploads are disabled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := admin.do(c.method, c.path, nil, "X-CSRF-Token", admin.csrf)
			wantStatus(t, r, c.status)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want JSON", ct)
			}
			if msg := jsonError(t, r); !strings.Contains(msg, c.want) {
				t.Errorf("error %q, want %q", msg, c.want)
			}
			if got := r.Header.Get("Allow"); got != c.allow {
				t.Errorf("Allow %q, want %q", got, c.allow)
			}
		})
	}
	// Pages: the same statuses, as pages.
	r := admin.get("/dashboard/nope")
	wantStatus(t, r, http.StatusNotFound)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("unknown page: Content-Type %q", r.Header.Get("Content-Type"))
	}
	r = admin.post("/dashboard/endpoints", admin.form())
	wantStatus(t, r, http.StatusMethodNotAllowed)
	if r.Header.Get("Allow") != "GET" {
		t.Errorf("Allow %q", r.Header.Get("Allow"))
	}
	// Unknown routes ask for a login first, as known ones do.
	anon := f.client()
	wantStatus(t, anon.get("/dashboard/api/nope"), http.StatusUnauthorized)
	if r := anon.get("/dashboard/nope"); r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/dashboard/login") {
		t.Errorf("unknown page without login: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestEveryRouteOfTheTableIsServed: each line of the route table reaches
// its handler (no 404 or 405 from the router), and a path the table does
// not list is 404.
func TestEveryRouteOfTheTableIsServed(t *testing.T) {
	f := newFixture(t, map[string]string{"SECURITY_TOKEN": ciToken})
	admin := f.login("admin", adminPW)
	for _, rt := range Routes() {
		method := rt.Method
		if method == "" {
			method = "GET"
		}
		path := "/dashboard" + rt.Path
		if rt.Path == "/static/" {
			path += "app.css"
		}
		r := admin.do(method, path, nil, "X-CSRF-Token", admin.csrf, "Authorization", authFor(rt.Access))
		if r.StatusCode == http.StatusMethodNotAllowed || strings.Contains(r.body, "no page at") {
			t.Errorf("%s %s: %d %.200s", method, rt.Path, r.StatusCode, r.body)
		}
	}
}

func authFor(a Access) string {
	if a == TokenOnly {
		return "Bearer " + ciToken
	}
	return ""
}

// TestStandaloneTakesNoUploads: gmd serve has no service of its own, so
// api/upload is 404 there whatever the credentials.
func TestStandaloneTakesNoUploads(t *testing.T) {
	f := newStandaloneFixture(t)
	c := f.client()
	r := c.do("POST", "/dashboard/api/upload", strings.NewReader("{}"), "Content-Type", "application/json", "Authorization", "Bearer "+ciToken)
	wantStatus(t, r, http.StatusNotFound)
	if msg := jsonError(t, r); !strings.Contains(msg, "gmd serve takes no uploads") {
		t.Errorf("error %q", msg)
	}
}
