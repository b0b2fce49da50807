package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/testlog"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// cheap hashing keeps the tests fast; the parameters are still argon2id.
var testHash = auth.Params{Memory: 64, Time: 1, Threads: 1}

const (
	adminPW = "admin-password-1"
	guestPW = "guest-password-1"
)

// fixture is a UI over an in-memory store with fake levels and clock.
type fixture struct {
	t     testing.TB
	srv   *Server
	ts    *httptest.Server
	store store.Store
	logs  *testlog.Buffer

	mu     sync.Mutex
	levels map[string]int
	now    time.Time

	standalone bool // a UI without a service of its own, as gmd serve's
}

// newFixture builds a UI with an admin and a guest. settings override
// the configuration's keys ("" deletes one).
func newFixture(t testing.TB, settings map[string]string) *fixture {
	t.Helper()
	return newFixtureOf(t, settings, false)
}

// newStandaloneFixture builds a UI as gmd serve runs it: no service of its
// own, no recorder.
func newStandaloneFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOf(t, nil, true)
}

func newFixtureOf(t testing.TB, settings map[string]string, standalone bool) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, store: st, logs: &testlog.Buffer{}, levels: map[string]int{},
		now: time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC), standalone: standalone}
	f.start(settings)
	return f
}

// start (re)builds the server on the fixture's store, as a restart would.
func (f *fixture) start(settings map[string]string) {
	f.t.Helper()
	code := map[string]string{"USERNAME": "admin", "PASSWORD": adminPW, "GUEST_USERNAME": "guest",
		"GUEST_PASSWORD": guestPW, "SERVICE_NAME": "svc", "INSTANCE": "i1", "TIMEZONE": "UTC"}
	maps.Copy(code, settings)
	for k, v := range code {
		if v == "" {
			delete(code, k)
		}
	}
	cfg, err := config.Load(config.Options{Code: code})
	if err != nil {
		f.t.Fatal(err)
	}
	srv, err := New(Options{
		Config: cfg, Store: f.store, Link: "/dashboard", Version: "v9", VersionSource: "APP_VERSION",
		Endpoints: func() []string {
			f.mu.Lock()
			defer f.mu.Unlock()
			var out []string
			for k := range f.levels {
				out = append(out, k)
			}
			return out
		},
		Level: func(name string) (int, bool) {
			f.mu.Lock()
			defer f.mu.Unlock()
			l, ok := f.levels[name]
			return l, ok
		},
		SetLevel: func(_ context.Context, name string, level int) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.levels[name] = level
			return nil
		},
		Stats: func() RecorderStats {
			return RecorderStats{Written: 4242, InFlight: 542, DroppedQueue: 7, LastError: "disk <full>"}
		},
		Logger:     slog.New(slog.NewTextHandler(f.logs, nil)),
		Now:        f.clock,
		Standalone: f.standalone,
		Hash:       testHash,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := srv.Init(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	f.srv = srv
	if f.ts != nil {
		f.ts.Config.Handler = srv
		return
	}
	f.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.srv.ServeHTTP(w, r) }))
	f.t.Cleanup(f.ts.Close)
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// record writes requests to the store and makes their endpoints known.
func (f *fixture) record(reqs ...store.Request) {
	f.t.Helper()
	for i := range reqs {
		r := &reqs[i]
		if r.Service == "" {
			r.Service = "svc"
		}
		if r.Instance == "" {
			r.Instance = "i1"
		}
		if r.Method == "" {
			r.Method = "GET"
		}
		if r.Status == 0 {
			r.Status = 200
		}
		if r.Version == "" {
			r.Version = "v1"
		}
		f.mu.Lock()
		if _, ok := f.levels[r.Endpoint]; !ok {
			f.levels[r.Endpoint] = 1
		}
		f.mu.Unlock()
	}
	if err := f.store.Write(context.Background(), &store.Batch{Service: "svc", Instance: "i1", Requests: reqs}); err != nil {
		f.t.Fatal(err)
	}
}

// client is a browser-like client: it keeps cookies and does not follow
// redirects, so tests see them.
type client struct {
	f      *fixture
	c      *http.Client
	header http.Header // added to every request
	csrf   string
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, header: http.Header{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	*http.Response
	body string
}

func (c *client) do(method, path string, body io.Reader, header ...string) response {
	c.f.t.Helper()
	req, err := http.NewRequest(method, c.f.ts.URL+path, body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return response{resp, string(b)}
}

func (c *client) get(path string, header ...string) response {
	return c.do("GET", path, nil, header...)
}

// post sends a form; with csrf it adds the session's token.
func (c *client) post(path string, form url.Values, header ...string) response {
	c.f.t.Helper()
	return c.do("POST", path, strings.NewReader(form.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
}

func (c *client) postJSON(path string, v any, header ...string) response {
	c.f.t.Helper()
	b, _ := json.Marshal(v)
	return c.do("POST", path, bytes.NewReader(b), append([]string{"Content-Type", "application/json"}, header...)...)
}

var metaCSRF = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// login logs in through the form and reads the CSRF token from a page.
func (f *fixture) login(name, pw string) *client {
	f.t.Helper()
	c := f.client()
	r := c.post("/dashboard/login", url.Values{"username": {name}, "password": {pw}})
	if r.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("login %s: status %d, want 303\n%s", name, r.StatusCode, r.body)
	}
	c.refreshCSRF()
	return c
}

func (c *client) refreshCSRF() {
	c.f.t.Helper()
	page := c.get("/dashboard/")
	m := metaCSRF.FindStringSubmatch(page.body)
	if m == nil {
		c.f.t.Fatalf("no CSRF token on the overview (status %d)", page.StatusCode)
	}
	c.csrf = m[1]
}

func (c *client) form(kv ...string) url.Values {
	v := url.Values{"csrf": {c.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func wantStatus(t testing.TB, r response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%.600s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.body)
	}
}

// jsonError returns the message of a JSON error body.
func jsonError(t testing.TB, r response) string {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == "" {
		t.Fatalf("body is not a JSON error: %v\n%s", err, r.body)
	}
	return e.Error
}

// cookie returns the Set-Cookie of name in r.
func cookie(r response, name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func mustJSON[T any](t testing.TB, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("decoding %s: %v\n%.300s", r.Request.URL, err, r.body)
	}
	return v
}

func req(ep string, at time.Time, d time.Duration) store.Request {
	return store.Request{Endpoint: ep, Start: at, Duration: d, Group: "alice", IP: "192.0.2.1"}
}
