package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
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
