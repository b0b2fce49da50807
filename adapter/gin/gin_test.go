package dashgin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

func ok(c *gin.Context) { c.String(http.StatusOK, "ok") }

// routes adds a route of every kind gin has.
func routes(r *gin.Engine) {
	r.GET("/", ok)
	r.GET("/books", ok)
	r.POST("/books", func(c *gin.Context) { c.Status(http.StatusCreated) })
	r.GET("/books/:id", ok)
	r.GET("/files/*filepath", ok)
	r.Any("/any", ok)
	api := r.Group("/api")
	api.Use(func(c *gin.Context) { c.Next() })
	{
		v1 := api.Group("/v1")
		v1.GET("/books/:id", ok)
		v1.GET("/authors/:id/books/:book", ok)
	}
	r.GET("/legacy/*path", gin.WrapH(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "legacy") })))
	r.GET("/status/:code", func(c *gin.Context) {
		code, _ := strconv.Atoi(c.Param("code"))
		c.Status(code)
	})
	r.GET("/silent", func(c *gin.Context) {})
	r.GET("/abort", func(c *gin.Context) { c.AbortWithError(http.StatusBadRequest, errors.New("bad")) })
	r.GET("/panic", func(c *gin.Context) { panic("handler bug") })
}

func mustNew(t testing.TB, e *gin.Engine, s store.Store) *Dashboard {
	t.Helper()
	d, err := New(e, adaptertest.Config(s))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

type request struct{ method, target string }

// record binds a dashboard to a new engine set up by setup, serves the
// requests and returns the rows recorded.
func record(t *testing.T, setup func(*gin.Engine), reqs []request) []store.Request {
	t.Helper()
	s := adaptertest.MemStore(t)
	e := gin.New()
	d := mustNew(t, e, s)
	setup(e)
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
	withMethodNotAllowed := func(e *gin.Engine) { e.HandleMethodNotAllowed = true; routes(e) }
	cases := []struct {
		name   string
		setup  func(*gin.Engine)
		method string
		target string
		want   string
	}{
		{"root", routes, "GET", "/", "GET /"},
		{"static", routes, "GET", "/books", "GET /books"},
		{"same path, other method", routes, "POST", "/books", "POST /books"},
		{"parameter", routes, "GET", "/books/42", "GET /books/:id"},
		{"wildcard", routes, "GET", "/files/a/b.txt", "GET /files/*filepath"},
		{"Any", routes, "DELETE", "/any", "/any"},
		{"group", routes, "GET", "/api/v1/books/7", "GET /api/v1/books/:id"},
		{"group, two parameters", routes, "GET", "/api/v1/authors/1/books/2", "GET /api/v1/authors/:id/books/:book"},
		{"mounted http.Handler", routes, "GET", "/legacy/x/y", "GET /legacy/*path"},
		{"no route", routes, "GET", "/nope", dashboard.Unmatched},
		{"no route in group", routes, "GET", "/api/v2/books/7", dashboard.Unmatched},
		{"no method, 404 by default", routes, "DELETE", "/books", dashboard.Unmatched},
		{"no method, 405", withMethodNotAllowed, "DELETE", "/books", dashboard.Unmatched},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := record(t, c.setup, []request{{c.method, c.target}})
			if rows[0].Endpoint != c.want || rows[0].Method != c.method {
				t.Errorf("%s %s recorded as %q (%s), want %q", c.method, c.target, rows[0].Endpoint, rows[0].Method, c.want)
			}
		})
	}
}

func TestEveryRouteIsDeclaredByTheFirstRequest(t *testing.T) {
	s := adaptertest.MemStore(t)
	e := gin.New()
	d := mustNew(t, e, s)
	routes(e)
	adaptertest.Serve(d, "GET", "/dashboard/") // a look at the dashboard is the first request
	adaptertest.Close(t, d.Dashboard)
	want := map[string][]string{
		"GET /":                               {"GET"},
		"GET /books":                          {"GET"},
		"POST /books":                         {"POST"},
		"GET /books/:id":                      {"GET"},
		"GET /files/*filepath":                {"GET"},
		"/any":                                nil,
		"GET /api/v1/books/:id":               {"GET"},
		"GET /api/v1/authors/:id/books/:book": {"GET"},
		"GET /legacy/*path":                   {"GET"},
		"GET /status/:code":                   {"GET"},
		"GET /silent":                         {"GET"},
		"GET /abort":                          {"GET"},
		"GET /panic":                          {"GET"},
	}
	adaptertest.CheckDeclared(t, s, want)
}

func TestRoutesBeforeNewAreAnError(t *testing.T) {
	e := gin.New()
	e.GET("/early", ok)
	if _, err := New(e, adaptertest.Config(adaptertest.MemStore(t))); err == nil {
		t.Fatal("New accepted an engine whose routes it cannot measure")
	}
}

func TestStatusCodes(t *testing.T) {
	custom := func(e *gin.Engine) {
		e.HandleMethodNotAllowed = true
		routes(e)
		e.NoRoute(func(c *gin.Context) { c.String(http.StatusGone, "gone") })
		e.NoMethod(func(c *gin.Context) { c.Status(http.StatusTeapot) })
	}
	cases := []struct {
		name   string
		setup  func(*gin.Engine)
		method string
		target string
		want   int
		ep     string
	}{
		{"set by handler", routes, "GET", "/status/201", 201, "GET /status/:code"},
		{"no content", routes, "GET", "/status/204", 204, "GET /status/:code"},
		{"server error", routes, "GET", "/status/503", 503, "GET /status/:code"},
		{"nothing written", routes, "GET", "/silent", 200, "GET /silent"},
		{"AbortWithError", routes, "GET", "/abort", 400, "GET /abort"},
		{"created", routes, "POST", "/books", 201, "POST /books"},
		{"gin's 404", routes, "GET", "/nope", 404, dashboard.Unmatched},
		{"gin's 405", func(e *gin.Engine) { e.HandleMethodNotAllowed = true; routes(e) }, "PUT", "/books", 405, dashboard.Unmatched},
		{"NoRoute handler", custom, "GET", "/nope", 410, dashboard.Unmatched},
		{"NoMethod handler", custom, "PUT", "/books", 418, dashboard.Unmatched},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := record(t, c.setup, []request{{c.method, c.target}})
			if rows[0].Status != c.want || rows[0].Endpoint != c.ep {
				t.Errorf("recorded %d %q, want %d %q", rows[0].Status, rows[0].Endpoint, c.want, c.ep)
			}
		})
	}
}

func TestPanicIsRecordedAs500(t *testing.T) {
	cases := []struct {
		name string
		// engine builds the engine around Bind.
		engine  func(bind func(*gin.Engine)) *gin.Engine
		escapes bool
	}{
		{"no Recovery: the panic goes on to the server", func(bind func(*gin.Engine)) *gin.Engine {
			e := gin.New()
			bind(e)
			return e
		}, true},
		{"Recovery before Bind (gin.Default)", func(bind func(*gin.Engine)) *gin.Engine {
			e := gin.New()
			e.Use(gin.RecoveryWithWriter(discard{}))
			bind(e)
			return e
		}, false},
		{"Recovery after Bind", func(bind func(*gin.Engine)) *gin.Engine {
			e := gin.New()
			bind(e)
			e.Use(gin.RecoveryWithWriter(discard{}))
			return e
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			var d *Dashboard
			e := c.engine(func(e *gin.Engine) { d = mustNew(t, e, s) })
			routes(e)
			status, panicked := adaptertest.Serve(d, "GET", "/panic")
			if (panicked != nil) != c.escapes {
				t.Fatalf("panic escaped: %v, want %v", panicked != nil, c.escapes)
			}
			if !c.escapes && status != 500 {
				t.Fatalf("Recovery wrote %d", status)
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
			grouped := !strings.Contains(c.name, "after Bind")
			if grouped && (len(groups) != 1 || groups[0].Endpoint != "GET /panic" || groups[0].Count != 1 || groups[0].Value != "handler bug") {
				t.Fatalf("panic groups %+v, want the panic of GET /panic", groups)
			}
			if !grouped && len(groups) != 0 {
				t.Fatalf("panic groups %+v, want none: the panic never reached the dashboard", groups)
			}
		})
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

// The pages are routes of the engine, served with Handler through
// gin.WrapH: they answer through gin and its middleware, and are never
// recorded.
func TestPagesAreServedByTheEngine(t *testing.T) {
	for _, link := range []string{"", "ops/monitor"} {
		t.Run("link "+link, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			e := gin.New()
			var seen atomic.Int32
			e.Use(func(c *gin.Context) {
				seen.Add(1)
				c.Header(adaptertest.MiddlewareHeader, "gin")
				c.Next()
			})
			cfg := adaptertest.Config(s)
			cfg.CustomLink = link
			d, err := New(e, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			routes(e)
			adaptertest.CheckPages(t, d.Dashboard, s, e, &seen, "GET /books/:id")
		})
	}
}

func TestLevel1AddsNoAllocationsToGin(t *testing.T) {
	if adaptertest.Race {
		t.Skip("the race detector makes sync.Pool drop objects at random; scripts/test counts allocations without it")
	}
	bare := benchEngine(nil)
	var d *Dashboard
	ours := benchEngine(func(e *gin.Engine) {
		var err error
		if d, err = New(e, adaptertest.AllocConfig(t)); err != nil {
			t.Fatal(err)
		}
	})
	defer d.Close(context.Background())
	w := adaptertest.NewDiscardWriter()
	req := newBenchRequest()
	ours.ServeHTTP(w, req)
	a := testing.AllocsPerRun(1000, func() { bare.ServeHTTP(w, req) })
	b := testing.AllocsPerRun(1000, func() { ours.ServeHTTP(w, req) })
	if b > a {
		t.Errorf("gin allocates %.1f times per request, with the dashboard %.1f", a, b)
	}
	if d.Stats().DroppedQueue != 0 {
		t.Fatal("samples were dropped; the test did not measure the recording path")
	}
}

func slow(c *gin.Context) {
	adaptertest.Sleep(c.Request)
	c.String(http.StatusOK, "ok")
}

// gin has matched the route when the dashboard's middleware runs, so at
// level 2 a slow request is captured while it runs.
func TestSlowRequestIsWatched(t *testing.T) {
	cases := []struct{ name, endpoint, path string }{
		{"route", "GET /books/:id", "/books/1"},
		{"group", "GET /api/v1/books/:id", "/api/v1/books/1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := adaptertest.MemStore(t)
			e := gin.New()
			e.Use(gin.Recovery())
			d, err := New(e, adaptertest.WatchConfig(s))
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			e.GET("/books/:id", slow)
			e.Group("/api").Group("/v1").GET("/books/:id", slow)
			// gin's routes are declared at its first request: opening
			// the dashboard to set a level is one.
			adaptertest.Serve(e, "GET", "/dashboard/login")
			adaptertest.CheckWatched(t, d.Dashboard, s, e, c.endpoint, c.path, "adapter/gin.slow")
		})
	}
}
