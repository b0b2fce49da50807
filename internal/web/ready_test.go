package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// downStore is a store whose database server is not reachable until up is set.
type downStore struct {
	store.Store
	up atomic.Bool
}

func (d *downStore) InitSetting(ctx context.Context, name, value string) (string, error) {
	if !d.up.Load() {
		return "", fmt.Errorf("db: %w", store.ErrNotReady)
	}
	return d.Store.InitSetting(ctx, name, value)
}

func TestPagesWaitForTheDatabase(t *testing.T) {
	mem, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	st := &downStore{Store: mem}
	cfg, err := config.Load(config.Options{Code: map[string]string{"PASSWORD": adminPW}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Config: cfg, Store: st, Link: "/dashboard", Logger: slog.New(slog.DiscardHandler), Hash: testHash})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Init(context.Background()); err == nil {
		t.Fatal("Init succeeded without a database")
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, p := range []string{"/dashboard/login", "/dashboard/api/endpoints"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s with the database down: %d, want 503 with Retry-After", p, resp.StatusCode)
		}
	}
	// Static files need no database.
	if resp, err := http.Get(ts.URL + "/dashboard/static/app.css"); err != nil || resp.StatusCode != 200 {
		t.Errorf("static file with the database down: %v %v", resp.StatusCode, err)
	}
	st.up.Store(true)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(ts.URL+"/dashboard/login", url.Values{"username": {"admin"}, "password": {adminPW}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/dashboard/" {
		t.Errorf("login once the database is up: %d at %s, want the overview", resp.StatusCode, resp.Request.URL.Path)
	}
}
