package dashmux

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/gorilla/mux"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

func ok(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }

// routes adds a route of every kind gorilla/mux has.
func routes(r *mux.Router) {
	r.HandleFunc("/", ok).Methods("GET")
	r.HandleFunc("/books", ok).Methods("GET")
	r.HandleFunc("/books", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) }).Methods("POST")
	r.HandleFunc("/books/{id:[0-9]+}", ok).Methods("GET", "HEAD")
	r.HandleFunc("/any", ok)
	r.PathPrefix("/files/").HandlerFunc(ok).Methods("GET")
	api := r.PathPrefix("/api").Subrouter()
	api.Use(mux.CORSMethodMiddleware(api))
	v1 := api.PathPrefix("/v1").Subrouter()
	v1.HandleFunc("/books/{id}", ok).Methods("GET")
	v1.HandleFunc("/authors/{id}/books/{book}", ok).Methods("GET")
	r.Host("static.example.com").HandlerFunc(ok)
	r.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(mux.Vars(r)["code"])
		w.WriteHeader(code)
	}).Methods("GET")
	r.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) {}).Methods("GET")
	r.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("handler bug") }).Methods("GET")
}

func mustNew(t testing.TB, r *mux.Router, s store.Store) *Dashboard {
	t.Helper()
	d, err := New(r, adaptertest.Config(s))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

type request struct{ method, target string }

func record(t *testing.T, setup func(*mux.Router), reqs []request) []store.Request {
	t.Helper()
	s := adaptertest.MemStore(t)
	r := mux.NewRouter()
	setup(r)
	d := mustNew(t, r, s)
	for _, q := range reqs {
		adaptertest.Serve(r, q.method, q.target)
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
		{"variable with pattern", "GET", "/books/42", "GET /books/{id:[0-9]+}"},
		{"second method of a route", "HEAD", "/books/42", "HEAD /books/{id:[0-9]+}"},
		{"route without methods", "DELETE", "/any", "/any"},
		{"path prefix", "GET", "/files/a/b.txt", "GET /files/"},
		{"subrouter", "GET", "/api/v1/books/7", "GET /api/v1/books/{id}"},
		{"subrouter, two variables", "GET", "/api/v1/authors/1/books/2", "GET /api/v1/authors/{id}/books/{book}"},
		{"host route", "GET", "http://static.example.com/logo.png", "static.example.com"},
		{"no route", "GET", "/nope", dashboard.Unmatched},
		{"pattern not matched", "GET", "/books/abc", dashboard.Unmatched},
		{"no method", "DELETE", "/books", dashboard.Unmatched},
		{"no route in subrouter", "GET", "/api/v2/x", dashboard.Unmatched},
	}
	reqs := make([]request, len(cases))
	for i, c := range cases {
		reqs[i] = request{c.method, c.target}
	}
	rows := record(t, routes, reqs)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if rows[i].Endpoint != c.want || rows[i].Method != c.method {
				t.Errorf("%s %s recorded as %q (%s), want %q", c.method, c.target, rows[i].Endpoint, rows[i].Method, c.want)
			}
		})
	}
}

func TestEveryRouteIsDeclared(t *testing.T) {
	want := map[string][]string{
		"GET /":                                 {"GET"},
		"GET /books":                            {"GET"},
		"POST /books":                           {"POST"},
		"GET /books/{id:[0-9]+}":                {"GET"},
		"HEAD /books/{id:[0-9]+}":               {"HEAD"},
		"/any":                                  nil,
		"GET /files/":                           {"GET"},
		"GET /api/v1/books/{id}":                {"GET"},
		"GET /api/v1/authors/{id}/books/{book}": {"GET"},
		"static.example.com":                    nil,
		"GET /status/{code}":                    {"GET"},
		"GET /silent":                           {"GET"},
		"GET /panic":                            {"GET"},
		"GET /late":                             {"GET"},
	}
	s := adaptertest.MemStore(t)
	r := mux.NewRouter()
	routes(r)
	d := mustNew(t, r, s)
	r.HandleFunc("/late", ok).Methods("GET") // after Bind: declared by the first request
	adaptertest.Serve(r, "GET", "/dashboard/")
	adaptertest.Close(t, d.Dashboard)
	adaptertest.CheckDeclared(t, s, want)
}

func TestStatusCodes(t *testing.T) {
	custom := func(r *mux.Router) {
		routes(r)
		r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
		r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	}
	subNotFound := func(r *mux.Router) {
		routes(r)
		sub := r.PathPrefix("/v2").Subrouter()
		sub.HandleFunc("/x", ok)
		sub.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	}
	cases := []struct {
		name   string
		setup  func(*mux.Router)
		method string
		target string
		want   int
		ep     string
	}{
		{"written by handler", routes, "GET", "/status/201", 201, "GET /status/{code}"},
		{"no content", routes, "GET", "/status/204", 204, "GET /status/{code}"},
		{"server error", routes, "GET", "/status/503", 503, "GET /status/{code}"},
		{"nothing written", routes, "GET", "/silent", 200, "GET /silent"},
		{"router's 404", routes, "GET", "/nope", 404, dashboard.Unmatched},
		{"router's 405", routes, "PUT", "/books", 405, dashboard.Unmatched},
		{"custom not found", custom, "GET", "/nope", 410, dashboard.Unmatched},
		{"custom method not allowed", custom, "PUT", "/books", 418, dashboard.Unmatched},
		{"subrouter's not found", subNotFound, "GET", "/v2/nope", 410, dashboard.Unmatched},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			r := mux.NewRouter()
			c.setup(r)
			d := mustNew(t, r, s)
			if status, _ := adaptertest.Serve(r, c.method, c.target); status != c.want {
				t.Errorf("client got %d, want %d", status, c.want)
			}
			adaptertest.Close(t, d.Dashboard)
			rows := adaptertest.Rows(t, s)
			if len(rows) != 1 || rows[0].Status != c.want || rows[0].Endpoint != c.ep {
				t.Errorf("recorded %+v, want %d %q", rows, c.want, c.ep)
			}
		})
	}
}

// recoverer is the usual recovery middleware: gorilla/mux has none of its
// own.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if recover() != nil {
				w.WriteHeader(http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func TestPanicIsRecordedAs500(t *testing.T) {
	cases := []struct {
		name    string
		build   func(bind func(*mux.Router)) http.Handler
		escapes bool
	}{
		{"no recovery: the panic goes on to the server", func(bind func(*mux.Router)) http.Handler {
			r := mux.NewRouter()
			routes(r)
			bind(r)
			return r
		}, true},
		{"recovery middleware on the router before Bind", func(bind func(*mux.Router)) http.Handler {
			r := mux.NewRouter()
			r.Use(recoverer)
			routes(r)
			bind(r)
			return r
		}, false},
		{"recovery middleware on the router after Bind", func(bind func(*mux.Router)) http.Handler {
			r := mux.NewRouter()
			routes(r)
			bind(r)
			r.Use(recoverer)
			return r
		}, false},
		{"recovery around the router", func(bind func(*mux.Router)) http.Handler {
			r := mux.NewRouter()
			routes(r)
			bind(r)
			return recoverer(r)
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			var d *Dashboard
			h := c.build(func(r *mux.Router) { d = mustNew(t, r, s) })
			status, panicked := adaptertest.Serve(h, "GET", "/panic")
			if (panicked != nil) != c.escapes {
				t.Fatalf("panic escaped: %v, want %v", panicked != nil, c.escapes)
			}
			if !c.escapes && status != 500 {
				t.Fatalf("recovery wrote %d", status)
			}
			adaptertest.Close(t, d.Dashboard)
			rows := adaptertest.Rows(t, s)
			if len(rows) != 1 || rows[0].Status != 500 || rows[0].Endpoint != "GET /panic" {
				t.Fatalf("rows %+v, want one 500 of GET /panic", rows)
			}
		})
	}
}

// The pages are routes of the router, served with Handler: they answer
// through gorilla/mux and its middleware, and are never recorded.
func TestPagesAreRoutesOfTheRouter(t *testing.T) {
	for _, link := range []string{"", "ops/monitor"} {
		t.Run("link "+link, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			r := mux.NewRouter()
			var seen atomic.Int32
			r.Use(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					seen.Add(1)
					w.Header().Set(adaptertest.MiddlewareHeader, "gorilla/mux")
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
			adaptertest.CheckPages(t, d.Dashboard, s, r, &seen, "GET /books/{id:[0-9]+}")
		})
	}
}

func TestRouteUnderTheLinkIsAnError(t *testing.T) {
	r := mux.NewRouter()
	r.HandleFunc("/dashboard/mine", ok)
	if _, err := New(r, adaptertest.Config(adaptertest.MemStore(t))); err == nil {
		t.Fatal("New accepted a route under the dashboard's link")
	}
}

// gorilla/mux builds the middleware chain at each match: a middleware
// costs one handler per request, ours too, and nothing more.
func TestLevel1AddsOneAllocationToGorillaMux(t *testing.T) {
	if adaptertest.Race {
		t.Skip("the race detector makes sync.Pool drop objects at random; scripts/test counts allocations without it")
	}
	bare := benchRouter()
	ours := benchRouter()
	d, err := New(ours, adaptertest.AllocConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	w := adaptertest.NewDiscardWriter()
	req := newBenchRequest()
	ours.ServeHTTP(w, req)
	a := testing.AllocsPerRun(1000, func() { bare.ServeHTTP(w, req) })
	b := testing.AllocsPerRun(1000, func() { ours.ServeHTTP(w, req) })
	if b > a+1 {
		t.Errorf("gorilla/mux allocates %.1f times per request, with the dashboard %.1f", a, b)
	}
	if d.Stats().DroppedQueue != 0 {
		t.Fatal("samples were dropped; the test did not measure the recording path")
	}
}

func slow(w http.ResponseWriter, r *http.Request) {
	adaptertest.Sleep(r)
	fmt.Fprint(w, "ok")
}

// gorilla/mux has matched the route when the dashboard's middleware runs,
// so at level 2 a slow request is captured while it runs.
func TestSlowRequestIsWatched(t *testing.T) {
	cases := []struct{ name, endpoint, path string }{
		{"route", "GET /books/{id:[0-9]+}", "/books/1"},
		{"subrouter", "GET /api/v1/books/{id}", "/api/v1/books/1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			r := mux.NewRouter()
			r.HandleFunc("/books/{id:[0-9]+}", slow).Methods("GET")
			r.PathPrefix("/api/v1").Subrouter().HandleFunc("/books/{id}", slow).Methods("GET")
			d, err := New(r, adaptertest.WatchConfig(s))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			adaptertest.CheckWatched(t, d.Dashboard, s, r, c.endpoint, c.path, "adapter/gorillamux.slow")
		})
	}
}
