package dashboard

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

const ciToken = "root-test-token-0123456789"

const upload = `{"version":"v1","tests":[{"package":"p","name":"TestA","run":0,"outcome":"pass","elapsed_us":1000}]}`

func TestUploadThroughDashboard(t *testing.T) {
	s := memStore(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books", func(w http.ResponseWriter, r *http.Request) {})
	d := mustNew(t, mux, Config{Store: s, SecurityToken: ciToken})
	disabled := mustNew(t, mux, Config{Store: memStore(t)})
	cases := []struct {
		name   string
		d      *Dashboard
		method string
		path   string
		header map[string]string
		status int
		want   string
	}{
		{"token", d, "POST", "/dashboard/api/upload", map[string]string{"Authorization": "Bearer " + ciToken}, 201, `"created":true`},
		{"sent again", d, "POST", "/dashboard/api/upload", map[string]string{"Authorization": "Bearer " + ciToken}, 200, `"created":false`},
		{"cookie only", d, "POST", "/dashboard/api/upload", map[string]string{"Cookie": "gmd_session=x"}, 401, "Bearer"},
		{"uploads disabled", disabled, "POST", "/dashboard/api/upload", map[string]string{"Authorization": "Bearer " + ciToken}, 403, "disabled"},
		{"GET upload", d, "GET", "/dashboard/api/upload", map[string]string{"Authorization": "Bearer " + ciToken}, 405, "POST"},
		{"report with token", d, "GET", "/dashboard/api/report", map[string]string{"Authorization": "Bearer " + ciToken}, 200, `"to": "v`},
		{"report with a wrong token", d, "GET", "/dashboard/api/report", map[string]string{"Authorization": "Bearer nope"}, 401, "wrong token"},
		{"report when uploads are disabled", disabled, "GET", "/dashboard/api/report", map[string]string{"Authorization": "Bearer " + ciToken}, 401, "wrong token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(upload))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			c.d.ServeHTTP(rec, req)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("%d %s; want %d and %q", rec.Code, rec.Body.String(), c.status, c.want)
			}
		})
	}
	mustClose(t, d)
	// The dashboard's own routes are not the service's endpoints.
	eps, err := s.Endpoints(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eps {
		if strings.Contains(e.Name, "api") {
			t.Errorf("upload recorded as endpoint %q", e.Name)
		}
	}
	if rows := rowsOf(t, s, store.RequestFilter{}); len(rows) != 0 {
		t.Errorf("%d requests recorded, want none", len(rows))
	}
}

// TestUploadRefusesSessions: a logged-in admin's session cookie (with its
// CSRF token) cannot upload; only the token can.
func TestUploadRefusesSessions(t *testing.T) {
	d := mustNew(t, http.NewServeMux(), Config{Store: memStore(t), SecurityToken: ciToken, Password: "admin-password-123"})
	srv := httptest.NewServer(d)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(srv.URL+"/dashboard/login", url.Values{"username": {"admin"}, "password": {"admin-password-123"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(jar.Cookies(mustURL(t, srv.URL+"/dashboard/"))) == 0 {
		t.Fatalf("login: %d, cookies %v", resp.StatusCode, jar.Cookies(mustURL(t, srv.URL+"/dashboard/")))
	}
	page, err := c.Get(srv.URL + "/dashboard/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	m := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the overview (%d)", page.StatusCode)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/dashboard/api/upload", strings.NewReader(upload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", string(m[1]))
	req.Header.Set("Origin", srv.URL)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("upload with an admin session: %d, want 401", resp.StatusCode)
	}
	// The same session reads the report page and API.
	for _, path := range []string{"/dashboard/report", "/dashboard/api/report", "/dashboard/tests"} {
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s with a session: %d", path, resp.StatusCode)
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
