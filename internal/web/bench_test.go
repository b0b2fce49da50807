package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/benchdb"
	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/web"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// benchStore keeps the UI's users, sessions and settings in memory and
// reads what the pages show from the benchmark database, so that the
// benchmarks leave the database as it was made.
type benchStore struct {
	store.Store             // in memory
	data        store.Store // the million requests
}

func (s benchStore) Endpoints(ctx context.Context, service string) ([]store.Endpoint, error) {
	return s.data.Endpoints(ctx, service)
}

func (s benchStore) Versions(ctx context.Context, service string) ([]store.Version, error) {
	return s.data.Versions(ctx, service)
}

func (s benchStore) SumRollups(ctx context.Context, f store.SumFilter) ([]store.Rollup, error) {
	return s.data.SumRollups(ctx, f)
}

func (s benchStore) Services(ctx context.Context) ([]string, error) { return s.data.Services(ctx) }

func (s benchStore) Instances(ctx context.Context, service string) ([]store.Instance, error) {
	return s.data.Instances(ctx, service)
}

func (s benchStore) Timings(ctx context.Context, f store.TimingFilter, fn func(*store.Timing) error) error {
	return s.data.Timings(ctx, f, fn)
}

// benchUI is the UI over a million stored requests (internal/benchdb) at
// the end of their history, with an admin's session cookie.
func benchUI(b *testing.B) (http.Handler, []*http.Cookie) {
	b.Helper()
	mem, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { mem.Close() })
	cfg, err := config.Load(config.Options{Code: map[string]string{"USERNAME": "admin", "PASSWORD": "bench-password",
		"SERVICE_NAME": benchdb.Service, "TIMEZONE": benchdb.Zone}})
	if err != nil {
		b.Fatal(err)
	}
	end := benchdb.End()
	srv, err := web.New(web.Options{Config: cfg, Store: benchStore{mem, benchdb.Open(b)}, Link: "/dashboard",
		Version: "1.2.1", Now: func() time.Time { return end }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Init(context.Background()); err != nil {
		b.Fatal(err)
	}
	form := url.Values{"username": {"admin"}, "password": {"bench-password"}}
	r := httptest.NewRequest("POST", "/dashboard/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || len(w.Result().Cookies()) == 0 {
		b.Fatalf("login: status %d\n%s", w.Code, w.Body)
	}
	return srv, w.Result().Cookies()
}

// BenchmarkPages renders whole pages through the UI's handler, as a
// logged-in admin's browser asks for them, over a million stored requests:
// the overview, the busiest endpoint's page (last 30 days, its default)
// and the versions page (all time, its default). The README quotes it.
func BenchmarkPages(b *testing.B) {
	h, cookies := benchUI(b)
	for _, p := range []struct{ name, path, want string }{
		{"Overview", "/dashboard/", "gmd-chart-heatmap"},
		{"Endpoint", "/dashboard/endpoint?name=" + url.QueryEscape(benchdb.Endpoint), "Duration per user"},
		{"Versions", "/dashboard/versions", "Median per endpoint and version"},
	} {
		b.Run(p.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				r := httptest.NewRequest("GET", p.path, nil)
				for _, c := range cookies {
					r.AddCookie(c)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), p.want) {
					b.Fatalf("%s: status %d\n%.500s", p.path, w.Code, w.Body)
				}
				size = w.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
