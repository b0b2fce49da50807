package dashboard

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/testlog"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// uiClient logs into a dashboard's UI like a browser.
func uiClient(t *testing.T, base, user, pw string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(base+"/dashboard/login", url.Values{"username": {user}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindStringSubmatch(body.String())
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("login as %s: status %d, no CSRF token", user, resp.StatusCode)
	}
	return c, m[1]
}

// waitWritten waits until the recorder has written n rows in all.
func waitWritten(t *testing.T, d *Dashboard, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for d.Stats().Written < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d rows written, want %d", d.Stats().Written, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLevelChangedInTheUITakesEffectOnTheNextRequest(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s, Username: "admin", Password: "admin-password-1",
		Settings: map[string]string{"FLUSH_INTERVAL": "10ms"}})
	srv := httptest.NewServer(d)
	defer srv.Close()
	c, csrf := uiClient(t, srv.URL, "admin", "admin-password-1")
	setLevel := func(level int) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"endpoint": "GET /books/{id}", "level": level})
		req, _ := http.NewRequest("POST", srv.URL+"/dashboard/api/endpoints/level", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("setting level %d: status %d", level, resp.StatusCode)
		}
	}
	count := func() int {
		return len(rowsOf(t, s, store.RequestFilter{Endpoint: "GET /books/{id}"}))
	}
	get(t, srv.URL+"/books/1")
	waitWritten(t, d, 1)
	setLevel(0)
	get(t, srv.URL+"/books/2") // not recorded
	setLevel(1)
	get(t, srv.URL+"/books/3")
	waitWritten(t, d, 2)
	mustClose(t, d)
	if n := count(); n != 2 {
		t.Errorf("%d rows, want 2: the request at level 0 must not be recorded", n)
	}
	eps, _ := s.Endpoints(t.Context(), "svc")
	for _, e := range eps {
		if strings.HasPrefix(e.Name, "/dashboard") || strings.Contains(e.Name, "login") {
			t.Errorf("the dashboard's own route %q was recorded", e.Name)
		}
	}
}

func TestHandlerServesTheUIAndIsNeverRecorded(t *testing.T) {
	s := memStore(t)
	mux := booksMux()
	d := mustNew(t, mux, Config{Store: s, Username: "admin", Password: "admin-password-1"})
	// A router that mounts the UI itself and records with the middleware.
	mux.Handle("/dashboard/", d.Handler())
	mux.Handle("/dashboard", d.Handler())
	srv := httptest.NewServer(d.Middleware()(mux))
	defer srv.Close()
	c, _ := uiClient(t, srv.URL, "admin", "admin-password-1")
	resp, err := c.Get(srv.URL + "/dashboard/endpoints")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("endpoints page through Handler: %d", resp.StatusCode)
	}
	get(t, srv.URL+"/books/1")
	mustClose(t, d)
	rows := rowsOf(t, s, store.RequestFilter{})
	if len(rows) != 1 || rows[0].Endpoint != "GET /books/{id}" {
		t.Errorf("recorded %d rows (%v), want only the book request", len(rows), rows)
	}
}

func TestGeneratedPasswordIsLoggedOnceAndLogsIn(t *testing.T) {
	path := "sqlite:///" + t.TempDir() + "/d.db"
	var logs testlog.Buffer
	cfg := Config{Database: path, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	d := mustNew(t, booksMux(), cfg)
	m := regexp.MustCompile(`password=(\w+)`).FindAllStringSubmatch(logs.String(), -1)
	if len(m) != 1 {
		t.Fatalf("want the generated password logged once:\n%s", logs.String())
	}
	srv := httptest.NewServer(d)
	uiClient(t, srv.URL, "admin", m[0][1])
	srv.Close()
	mustClose(t, d)
	d = mustNew(t, booksMux(), cfg)
	if n := strings.Count(logs.String(), "password="); n != 1 {
		t.Errorf("after a restart the password was logged %d times in all", n)
	}
	srv = httptest.NewServer(d)
	defer srv.Close()
	uiClient(t, srv.URL, "admin", m[0][1])
}
