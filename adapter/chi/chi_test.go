package dashchi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

func ok(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }

// routes builds a router with a route of every kind chi has.
func routes(r chi.Router) {
	r.Get("/", ok)
	r.Get("/books", ok)
	r.Post("/books", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	r.Get("/books/{id}", ok)
	r.Get("/files/*", ok)
	r.Handle("/any", http.HandlerFunc(ok))
	r.Handle("/mixed", http.HandlerFunc(ok))
	r.Post("/mixed", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "posted") })
	r.Group(func(g chi.Router) {
		g.Use(middleware.NoCache)
		g.Get("/grouped/{id}", ok)
	})
	r.With(middleware.NoCache).Get("/inline", ok)
	r.Route("/api", func(api chi.Router) {
		api.Get("/v1/books/{id}", ok)
		api.Route("/admin", func(admin chi.Router) {
			admin.Get("/stats", ok)
		})
	})
	sub := chi.NewRouter()
	sub.Get("/", ok)
	sub.Get("/users/{uid}", ok)
	r.Mount("/mounted", sub)
	r.Mount("/static", http.HandlerFunc(ok))
	r.Get("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(chi.URLParam(r, "code"))
		w.WriteHeader(code)
	})
	r.Get("/silent", func(w http.ResponseWriter, r *http.Request) {})
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) { panic("handler bug") })
}

func newRouter() *chi.Mux {
	r := chi.NewRouter()
	routes(r)
	return r
}

func mustNew(t testing.TB, r chi.Router, s store.Store) *Dashboard {
	t.Helper()
	d, err := New(r, adaptertest.Config(s))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

type request struct{ method, target string }

// record serves the requests and returns the rows recorded for them.
func record(t *testing.T, h func(chi.Router), reqs []request) []store.Request {
	t.Helper()
	s := adaptertest.MemStore(t)
	r := chi.NewRouter()
	h(r)
	d := mustNew(t, r, s)
	for _, q := range reqs {
		adaptertest.Serve(d, q.method, q.target)
	}
	adaptertest.Close(t, d.Dashboard)
	rows := adaptertest.Rows(t, s)
	if len(rows) != len(reqs) {
		t.Fatalf("%d rows for %d requests: %+v", len(rows), len(reqs), rows)
	}
	return rows
}

func TestRouteNames(t *testing.T) {
	cases := []struct {
		name   string
		method string
		target string
		want   string
	}{
		{"root", "GET", "/", "GET /"},
		{"static", "GET", "/books", "GET /books"},
		{"same path, other method", "POST", "/books", "POST /books"},
		{"parameter", "GET", "/books/42", "GET /books/{id}"},
		{"wildcard", "GET", "/files/a/b.txt", "GET /files/*"},
		{"every-method route", "DELETE", "/any", "/any"},
		{"method route beside every-method route", "POST", "/mixed", "POST /mixed"},
		{"every-method route beside method route", "PUT", "/mixed", "/mixed"},
		{"group", "GET", "/grouped/7", "GET /grouped/{id}"},
		{"inline middleware", "GET", "/inline", "GET /inline"},
		{"sub-router", "GET", "/api/v1/books/7", "GET /api/v1/books/{id}"},
		{"nested sub-router", "GET", "/api/admin/stats", "GET /api/admin/stats"},
		{"mounted router root", "GET", "/mounted", "GET /mounted"},
		{"mounted router root with slash", "GET", "/mounted/", "GET /mounted"},
		{"mounted router", "GET", "/mounted/users/3", "GET /mounted/users/{uid}"},
		{"mounted handler", "PUT", "/static/app.js", "/static/*"},
		{"no route", "GET", "/nope", dashboard.Unmatched},
		{"no method", "DELETE", "/books", dashboard.Unmatched},
		{"no route in sub-router", "GET", "/api/nope", dashboard.Unmatched},
		{"no method in sub-router", "POST", "/api/v1/books/7", dashboard.Unmatched},
		{"no route in mounted router", "GET", "/mounted/nope", dashboard.Unmatched},
		{"raw path never a name", "GET", "/books/%2e%2e", "GET /books/{id}"},
	}
	reqs := make([]request, len(cases))
	for i, c := range cases {
		reqs[i] = request{c.method, c.target}
	}
	rows := record(t, routes, reqs)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if rows[i].Endpoint != c.want {
				t.Errorf("%s %s recorded as %q, want %q", c.method, c.target, rows[i].Endpoint, c.want)
			}
			if rows[i].Method != c.method {
				t.Errorf("method %q, want %q", rows[i].Method, c.method)
			}
		})
	}
}

func TestEveryRouteIsDeclaredAtStart(t *testing.T) {
	s := adaptertest.MemStore(t)
	d := mustNew(t, newRouter(), s)
	adaptertest.Close(t, d.Dashboard)
	want := map[string][]string{
		"GET /":                    {"GET"},
		"GET /books":               {"GET"},
		"POST /books":              {"POST"},
		"GET /books/{id}":          {"GET"},
		"GET /files/*":             {"GET"},
		"/any":                     nil,
		"/mixed":                   nil,
		"POST /mixed":              {"POST"},
		"GET /grouped/{id}":        {"GET"},
		"GET /inline":              {"GET"},
		"GET /api/v1/books/{id}":   {"GET"},
		"GET /api/admin/stats":     {"GET"},
		"GET /mounted":             {"GET"},
		"GET /mounted/users/{uid}": {"GET"},
		"GET /status/{code}":       {"GET"},
		"GET /silent":              {"GET"},
		"GET /panic":               {"GET"},
		"/static/*":                nil,
	}
	adaptertest.CheckDeclared(t, s, want)
}

func TestStatusCodes(t *testing.T) {
	custom := func(r chi.Router) {
		routes(r)
		r.NotFound(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
		r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	}
	cases := []struct {
		name   string
		router func(chi.Router)
		method string
		target string
		want   int
		ep     string
	}{
		{"written by handler", routes, "GET", "/status/201", 201, "GET /status/{code}"},
		{"no content", routes, "GET", "/status/204", 204, "GET /status/{code}"},
		{"server error", routes, "GET", "/status/503", 503, "GET /status/{code}"},
		{"nothing written", routes, "GET", "/silent", 200, "GET /silent"},
		{"chi's 404", routes, "GET", "/nope", 404, dashboard.Unmatched},
		{"chi's 405", routes, "PUT", "/books", 405, dashboard.Unmatched},
		{"custom not found", custom, "GET", "/nope", 410, dashboard.Unmatched},
		{"custom not found in mounted router", custom, "GET", "/mounted/nope", 410, dashboard.Unmatched},
		{"custom method not allowed", custom, "PUT", "/books", 418, dashboard.Unmatched},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := record(t, c.router, []request{{c.method, c.target}})
			if rows[0].Status != c.want || rows[0].Endpoint != c.ep {
				t.Errorf("recorded %d %q, want %d %q", rows[0].Status, rows[0].Endpoint, c.want, c.ep)
			}
		})
	}
}

func TestPanicIsRecordedAs500(t *testing.T) {
	cases := []struct {
		name      string
		recoverer bool
	}{
		{"without chi's Recoverer: the panic goes on to the server", false},
		{"with chi's Recoverer", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			r := chi.NewRouter()
			if c.recoverer {
				r.Use(middleware.Recoverer)
			}
			routes(r)
			d := mustNew(t, r, s)
			status, panicked := adaptertest.Serve(d, "GET", "/panic")
			if (panicked != nil) == c.recoverer {
				t.Fatalf("panic escaped: %v, want %v", panicked != nil, !c.recoverer)
			}
			if c.recoverer && status != 500 {
				t.Fatalf("Recoverer wrote %d", status)
			}
			adaptertest.Close(t, d.Dashboard)
			rows := adaptertest.Rows(t, s)
			if len(rows) != 1 || rows[0].Status != 500 || rows[0].Endpoint != "GET /panic" {
				t.Fatalf("rows %+v, want one 500 of GET /panic", rows)
			}
		})
	}
}

// A middleware that copies the request hides r.Pattern from the outside;
// the routing context still names the route.
func TestRequestCopiedByMiddleware(t *testing.T) {
	s := adaptertest.MemStore(t)
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.RealIP)
	routes(r)
	d := mustNew(t, r, s)
	outer := http.NewServeMux() // sets a pattern of its own on the request
	outer.Handle("/", d)
	adaptertest.Serve(outer, "GET", "/api/v1/books/9")
	adaptertest.Serve(outer, "GET", "/nope")
	adaptertest.Close(t, d.Dashboard)
	rows := adaptertest.Rows(t, s)
	if len(rows) != 2 || rows[0].Endpoint != "GET /api/v1/books/{id}" || rows[1].Endpoint != dashboard.Unmatched {
		t.Fatalf("rows %+v", rows)
	}
}

// The pages are mounted on the router with Handler: they answer through
// chi and its middleware, and are never recorded.
func TestPagesAreMountedOnTheRouter(t *testing.T) {
	for _, link := range []string{"", "ops/monitor"} {
		t.Run("link "+link, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			r := chi.NewRouter()
			var seen atomic.Int32
			r.Use(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					seen.Add(1)
					w.Header().Set(adaptertest.MiddlewareHeader, "chi")
					next.ServeHTTP(w, r)
				})
			})
			routes(r)
			cfg := adaptertest.Config(s)
			cfg.CustomLink = link
			d, err := New(r, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			adaptertest.CheckPages(t, d.Dashboard, s, d, &seen, "GET /books/{id}")
		})
	}
}

func TestRouteUnderTheLinkIsAnError(t *testing.T) {
	r := chi.NewRouter()
	r.Get("/dashboard/mine", ok)
	if _, err := New(r, adaptertest.Config(adaptertest.MemStore(t))); err == nil {
		t.Fatal("New accepted a route under the dashboard's link")
	}
}

func TestLevel1AddsNoAllocationsToChi(t *testing.T) {
	if adaptertest.Race {
		t.Skip("the race detector makes sync.Pool drop objects at random; scripts/test counts allocations without it")
	}
	r := benchRouter()
	d, err := New(r, adaptertest.AllocConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	w := adaptertest.NewDiscardWriter()
	req := newBenchRequest()
	d.ServeHTTP(w, req)
	bare := testing.AllocsPerRun(1000, func() { r.ServeHTTP(w, req) })
	ours := testing.AllocsPerRun(1000, func() { d.ServeHTTP(w, req) })
	if ours > bare {
		t.Errorf("chi allocates %.1f times per request, with the dashboard %.1f", bare, ours)
	}
}

func slow(w http.ResponseWriter, r *http.Request) {
	adaptertest.Sleep(r)
	fmt.Fprint(w, "ok")
}

// At level 2 the adapter names the route before the handler runs (chi's
// Find), so that a slow request is captured while it runs.
func TestSlowRequestIsWatched(t *testing.T) {
	cases := []struct{ name, endpoint, path string }{
		{"route", "GET /books/{id}", "/books/1"},
		{"sub-router", "GET /api/v1/books/{id}", "/api/v1/books/1"},
		{"mounted router", "GET /mounted/books/{id}", "/mounted/books/1"},
		{"mounted handler", "/static/*", "/static/app.js"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			r := chi.NewRouter()
			r.Use(middleware.RequestID) // copies the request
			r.Get("/books/{id}", slow)
			r.Route("/api/v1", func(api chi.Router) { api.Get("/books/{id}", slow) })
			sub := chi.NewRouter()
			sub.Get("/books/{id}", slow)
			r.Mount("/mounted", sub)
			r.Mount("/static", http.HandlerFunc(slow))
			d, err := New(r, adaptertest.WatchConfig(s))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			adaptertest.CheckWatched(t, d.Dashboard, s, d, c.endpoint, c.path, "adapter/chi.slow")
		})
	}
}

// The name found before the handler only picks the requests to watch: a
// middleware that changes the path chi matches (StripSlashes) leaves the
// request named after the route chi took.
func TestWatchedRequestIsNamedByTheRouteTaken(t *testing.T) {
	s := adaptertest.MemStore(t)
	r := chi.NewRouter()
	r.Use(middleware.StripSlashes)
	r.Get("/books/{id}", ok)
	r.Get("/books/{id}/*", ok) // what "/books/1/" matches before StripSlashes
	d := mustNew(t, r, s)
	if err := d.SetLevel(context.Background(), "GET /books/{id}/*", 2); err != nil {
		t.Fatal(err)
	}
	if status, _ := adaptertest.Serve(d, "GET", "/books/1/"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	adaptertest.Close(t, d.Dashboard)
	rows := adaptertest.Rows(t, s)
	if len(rows) != 1 || rows[0].Endpoint != "GET /books/{id}" {
		t.Fatalf("rows %+v, want one of GET /books/{id}", rows)
	}
}
