package dashecho

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

func ok(c echo.Context) error { return c.String(http.StatusOK, "ok") }

// routes adds a route of every kind echo has.
func routes(e *echo.Echo) {
	e.GET("/", ok)
	e.GET("/books", ok)
	e.POST("/books", func(c echo.Context) error { return c.NoContent(http.StatusCreated) })
	e.GET("/books/:id", ok)
	e.GET("/files/*", ok)
	e.Any("/any", ok)
	e.Match([]string{"GET", "PUT"}, "/match", ok)
	api := e.Group("/api", func(next echo.HandlerFunc) echo.HandlerFunc { return next })
	v1 := api.Group("/v1")
	v1.GET("/books/:id", ok)
	v1.GET("/authors/:id/books/:book", ok)
	e.GET("/legacy/*", echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "legacy") })))
	e.GET("/status/:code", func(c echo.Context) error {
		code, _ := strconv.Atoi(c.Param("code"))
		return c.NoContent(code)
	})
	e.GET("/silent", func(c echo.Context) error { return nil })
	e.GET("/httperror", func(c echo.Context) error { return echo.NewHTTPError(http.StatusUnprocessableEntity, "bad book") })
	e.GET("/error", func(c echo.Context) error { return errors.New("database down") })
	e.GET("/panic", func(c echo.Context) error { panic("handler bug") })
}

func newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	return e
}

func mustNew(t testing.TB, e *echo.Echo, s store.Store) *Dashboard {
	t.Helper()
	d, err := New(e, adaptertest.Config(s))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

type request struct{ method, target string }

// record binds a dashboard to a new echo set up by setup (routes before
// Bind or after, as bindFirst says), serves the requests and returns the
// rows recorded.
func record(t *testing.T, setup func(*echo.Echo), bindFirst bool, reqs []request) []store.Request {
	t.Helper()
	s := adaptertest.MemStore(t)
	e := newEcho()
	var d *Dashboard
	if bindFirst {
		d = mustNew(t, e, s)
	}
	setup(e)
	if !bindFirst {
		d = mustNew(t, e, s)
	}
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
	withNotFound := func(e *echo.Echo) {
		routes(e)
		e.RouteNotFound("/api/*", func(c echo.Context) error { return c.NoContent(http.StatusNotFound) })
	}
	cases := []struct {
		name   string
		setup  func(*echo.Echo)
		method string
		target string
		want   string
	}{
		{"root", routes, "GET", "/", "GET /"},
		{"static", routes, "GET", "/books", "GET /books"},
		{"same path, other method", routes, "POST", "/books", "POST /books"},
		{"parameter", routes, "GET", "/books/42", "GET /books/:id"},
		{"wildcard", routes, "GET", "/files/a/b.txt", "GET /files/*"},
		{"Any", routes, "DELETE", "/any", "/any"},
		{"Match", routes, "PUT", "/match", "PUT /match"},
		{"group", routes, "GET", "/api/v1/books/7", "GET /api/v1/books/:id"},
		{"group, two parameters", routes, "GET", "/api/v1/authors/1/books/2", "GET /api/v1/authors/:id/books/:book"},
		{"wrapped http.Handler", routes, "GET", "/legacy/x/y", "GET /legacy/*"},
		{"no route", routes, "GET", "/nope", dashboard.Unmatched},
		{"no route in group", routes, "GET", "/api/v2/books/7", dashboard.Unmatched},
		{"no method", routes, "DELETE", "/books", dashboard.Unmatched},
		{"echo's OPTIONS answer", routes, "OPTIONS", "/books", dashboard.Unmatched},
		{"RouteNotFound", withNotFound, "GET", "/api/v2/x", dashboard.Unmatched},
	}
	for _, bindFirst := range []bool{false, true} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/bind first %v", c.name, bindFirst), func(t *testing.T) {
				rows := record(t, c.setup, bindFirst, []request{{c.method, c.target}})
				if rows[0].Endpoint != c.want || rows[0].Method != c.method {
					t.Errorf("%s %s recorded as %q (%s), want %q", c.method, c.target, rows[0].Endpoint, rows[0].Method, c.want)
				}
			})
		}
	}
}

var declared = map[string][]string{
	"GET /":                               {"GET"},
	"GET /books":                          {"GET"},
	"POST /books":                         {"POST"},
	"GET /books/:id":                      {"GET"},
	"GET /files/*":                        {"GET"},
	"/any":                                nil,
	"GET /match":                          {"GET"},
	"PUT /match":                          {"PUT"},
	"GET /api/v1/books/:id":               {"GET"},
	"GET /api/v1/authors/:id/books/:book": {"GET"},
	"GET /legacy/*":                       {"GET"},
	"GET /status/:code":                   {"GET"},
	"GET /silent":                         {"GET"},
	"GET /httperror":                      {"GET"},
	"GET /error":                          {"GET"},
	"GET /panic":                          {"GET"},
}

func TestEveryRouteIsDeclared(t *testing.T) {
	cases := []struct {
		name  string
		build func(t *testing.T, s store.Store) *Dashboard
	}{
		{"routes before Bind: at Bind", func(t *testing.T, s store.Store) *Dashboard {
			e := newEcho()
			routes(e)
			return mustNew(t, e, s)
		}},
		{"routes after Bind: by the first request", func(t *testing.T, s store.Store) *Dashboard {
			e := newEcho()
			d := mustNew(t, e, s)
			routes(e)
			adaptertest.Serve(d, "GET", "/dashboard/")
			return d
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			d := c.build(t, s)
			adaptertest.Close(t, d.Dashboard)
			adaptertest.CheckDeclared(t, s, declared)
		})
	}
}

func TestStatusCodes(t *testing.T) {
	custom := func(e *echo.Echo) {
		routes(e)
		e.HTTPErrorHandler = func(err error, c echo.Context) {
			if c.Response().Committed {
				return
			}
			var he *echo.HTTPError
			if errors.As(err, &he) && he.Code == http.StatusNotFound {
				c.NoContent(http.StatusGone)
				return
			}
			c.NoContent(http.StatusServiceUnavailable)
		}
	}
	cases := []struct {
		name   string
		setup  func(*echo.Echo)
		method string
		target string
		want   int
		ep     string
	}{
		{"set by handler", routes, "GET", "/status/201", 201, "GET /status/:code"},
		{"no content", routes, "GET", "/status/204", 204, "GET /status/:code"},
		{"nothing written", routes, "GET", "/silent", 200, "GET /silent"},
		{"HTTPError returned", routes, "GET", "/httperror", 422, "GET /httperror"},
		{"plain error returned", routes, "GET", "/error", 500, "GET /error"},
		{"echo's 404", routes, "GET", "/nope", 404, dashboard.Unmatched},
		{"echo's 405", routes, "PUT", "/books", 405, dashboard.Unmatched},
		{"custom error handler, 404", custom, "GET", "/nope", 410, dashboard.Unmatched},
		{"custom error handler, handler error", custom, "GET", "/error", 503, "GET /error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			e := newEcho()
			c.setup(e)
			d := mustNew(t, e, s)
			status, _ := adaptertest.Serve(d, c.method, c.target)
			if status != c.want {
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

func TestPanicIsRecordedAs500(t *testing.T) {
	recover := middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true})
	cases := []struct {
		name    string
		engine  func(bind func(*echo.Echo)) *echo.Echo
		escapes bool
	}{
		{"no Recover: the panic goes on to the server", func(bind func(*echo.Echo)) *echo.Echo {
			e := newEcho()
			bind(e)
			return e
		}, true},
		{"Recover outside", func(bind func(*echo.Echo)) *echo.Echo {
			e := newEcho()
			e.Use(recover)
			bind(e)
			return e
		}, false},
		{"Recover inside", func(bind func(*echo.Echo)) *echo.Echo {
			e := newEcho()
			bind(e)
			e.Use(recover)
			return e
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			var d *Dashboard
			e := c.engine(func(e *echo.Echo) { d = mustNew(t, e, s) })
			routes(e)
			status, panicked := adaptertest.Serve(d, "GET", "/panic")
			if (panicked != nil) != c.escapes {
				t.Fatalf("panic escaped: %v, want %v", panicked != nil, c.escapes)
			}
			if !c.escapes && status != 500 {
				t.Fatalf("Recover wrote %d", status)
			}
			adaptertest.Close(t, d.Dashboard)
			rows := adaptertest.Rows(t, s)
			if len(rows) != 1 || rows[0].Status != 500 || rows[0].Endpoint != "GET /panic" {
				t.Fatalf("rows %+v, want one 500 of GET /panic", rows)
			}
			groups, err := s.ErrorGroups(context.Background(), store.ErrorFilter{})
			if err != nil {
				t.Fatal(err)
			}
			// A recovery inside the recording middleware stops the
			// panic before the dashboard sees it; only the 500 is left.
			grouped := !strings.Contains(c.name, "inside")
			if grouped && (len(groups) != 1 || groups[0].Endpoint != "GET /panic" || groups[0].Count != 1 || groups[0].Value != "handler bug") {
				t.Fatalf("panic groups %+v, want the panic of GET /panic", groups)
			}
			if !grouped && len(groups) != 0 {
				t.Fatalf("panic groups %+v, want none: the panic never reached the dashboard", groups)
			}
		})
	}
}

// The pages are routes of echo, served with Handler through
// echo.WrapHandler: they answer through echo and its middleware, and are
// never recorded.
func TestPagesAreServedByEcho(t *testing.T) {
	for _, link := range []string{"", "ops/monitor"} {
		t.Run("link "+link, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			e := newEcho()
			var seen atomic.Int32
			e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
				return func(c echo.Context) error {
					seen.Add(1)
					c.Response().Header().Set(adaptertest.MiddlewareHeader, "echo")
					return next(c)
				}
			})
			routes(e)
			cfg := adaptertest.Config(s)
			cfg.CustomLink = link
			d, err := New(e, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			adaptertest.CheckPages(t, d.Dashboard, s, e, &seen, "GET /books/:id")
		})
	}
}

func TestRouteUnderTheLinkIsAnError(t *testing.T) {
	e := newEcho()
	e.GET("/dashboard/mine", ok)
	if _, err := New(e, adaptertest.Config(adaptertest.MemStore(t))); err == nil {
		t.Fatal("New accepted a route under the dashboard's link")
	}
}

// echo builds its middleware chain per request: a middleware costs one
// closure per request, ours too, and nothing more.
func TestLevel1AddsOneAllocationToEcho(t *testing.T) {
	if adaptertest.Race {
		t.Skip("the race detector makes sync.Pool drop objects at random; scripts/test counts allocations without it")
	}
	bare := benchEcho()
	ours := benchEcho()
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
		t.Errorf("echo allocates %.1f times per request, with the dashboard %.1f", a, b)
	}
	if d.Stats().DroppedQueue != 0 {
		t.Fatal("samples were dropped; the test did not measure the recording path")
	}
}

func slow(c echo.Context) error {
	adaptertest.Sleep(c.Request())
	return c.String(http.StatusOK, "ok")
}

// echo has matched the route when the dashboard's middleware runs, so at
// level 2 a slow request is captured while it runs.
func TestSlowRequestIsWatched(t *testing.T) {
	cases := []struct{ name, endpoint, path string }{
		{"route", "GET /books/:id", "/books/1"},
		{"group", "GET /api/v1/books/:id", "/api/v1/books/1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			e := newEcho()
			e.Use(middleware.Recover())
			e.GET("/books/:id", slow)
			e.Group("/api").Group("/v1").GET("/books/:id", slow)
			d, err := New(e, adaptertest.WatchConfig(s))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			adaptertest.CheckWatched(t, d.Dashboard, s, e, c.endpoint, c.path, "adapter/echo.slow")
		})
	}
}
