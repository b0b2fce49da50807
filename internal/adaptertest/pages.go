package adaptertest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// MiddlewareHeader is the header a test's router middleware sets on every
// response it sees, so that CheckPages can tell that the router's
// middleware ran for each page.
const MiddlewareHeader = "X-Router-Middleware"

// Page is one request to the dashboard's pages and what its answer must
// hold.
type Page struct {
	Name        string
	Method      string
	Path        string // under the link, "" for the link itself
	Basic       bool   // send the admin's credentials
	JSONBody    string // sent as application/json when set
	Status      int
	ContentType string // the answer's media type, if checked
	Contains    string // in the answer's body, if checked
}

// Pages are the requests CheckPages makes: the link, the login page, the
// JSON API with and without Basic credentials, a change through the API
// and a static file. endpoint is a route of the service as the router
// names it; the API must list it, and its level is set to 2.
func Pages(endpoint string) []Page {
	return []Page{
		{Name: "link redirects to the overview", Method: "GET", Path: "", Status: http.StatusFound},
		{Name: "login page", Method: "GET", Path: "/login", Status: http.StatusOK,
			ContentType: "text/html", Contains: `name="password"`},
		{Name: "overview asks to log in", Method: "GET", Path: "/", Status: http.StatusSeeOther},
		{Name: "API without credentials", Method: "GET", Path: "/api/endpoints", Status: http.StatusUnauthorized,
			ContentType: "application/json"},
		{Name: "API with Basic credentials", Method: "GET", Path: "/api/endpoints", Basic: true, Status: http.StatusOK,
			ContentType: "application/json", Contains: jsonString(endpoint)},
		{Name: "change through the API", Method: "POST", Path: "/api/endpoints/level", Basic: true,
			JSONBody: `{"endpoint":` + jsonString(endpoint) + `,"level":2}`, Status: http.StatusOK,
			ContentType: "application/json", Contains: `"level":2`},
		{Name: "static file", Method: "GET", Path: "/static/app.css", Status: http.StatusOK,
			ContentType: "text/css", Contains: "{"},
	}
}

// CheckPages requests each of Pages(endpoint) from h, the router with d
// bound, and fails the test unless each answer is what the dashboard's UI
// sends, through the router's middleware, which must set MiddlewareHeader
// and count the requests it sees in seen. Then it closes d and checks
// that s, d's store, recorded none of them.
func CheckPages(t *testing.T, d *dashboard.Dashboard, s store.Store, h http.Handler, seen *atomic.Int32, endpoint string) {
	t.Helper()
	link := d.Link()
	pages := Pages(endpoint)
	for _, p := range pages {
		t.Run(p.Name, func(t *testing.T) {
			var body io.Reader
			if p.JSONBody != "" {
				body = strings.NewReader(p.JSONBody)
			}
			r := httptest.NewRequest(p.Method, link+p.Path, body)
			if p.JSONBody != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			if p.Basic {
				r.SetBasicAuth(Username, Password)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			got := w.Result()
			b, _ := io.ReadAll(got.Body)
			if got.StatusCode != p.Status {
				t.Fatalf("%s %s: %d, want %d: %.300s", p.Method, r.URL.Path, got.StatusCode, p.Status, b)
			}
			if got.Header.Get(MiddlewareHeader) == "" {
				t.Errorf("%s %s: the router's middleware did not run", p.Method, r.URL.Path)
			}
			if ct := got.Header.Get("Content-Type"); p.ContentType != "" && !strings.HasPrefix(ct, p.ContentType) {
				t.Errorf("%s %s: Content-Type %q, want %s", p.Method, r.URL.Path, ct, p.ContentType)
			}
			if !strings.Contains(string(b), p.Contains) {
				t.Errorf("%s %s: body lacks %s: %.500s", p.Method, r.URL.Path, p.Contains, b)
			}
			if got.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("%s %s: no Content-Security-Policy; not the dashboard's answer", p.Method, r.URL.Path)
			}
		})
	}
	if n := seen.Load(); n != int32(len(pages)) {
		t.Errorf("the router's middleware saw %d of %d requests to the pages", n, len(pages))
	}
	if lvl, _ := d.Level(endpoint); lvl != 2 {
		t.Errorf("%s at level %d after the API set it to 2", endpoint, lvl)
	}
	Close(t, d)
	if rows := Rows(t, s); len(rows) != 0 {
		t.Errorf("requests recorded while only the dashboard's pages were requested: %+v", rows)
	}
	for name := range Endpoints(t, s) {
		if strings.Contains(name, link) {
			t.Errorf("endpoint %q is one of the dashboard's pages", name)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
