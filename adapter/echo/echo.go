// Package dashecho binds the Go Monitoring Dashboard to an echo (v4)
// server: every route is listed, each request is recorded under the echo
// route that matched, with the status echo sent, and the dashboard's pages
// are served by echo.
//
//	e := echo.New()
//	e.GET("/books/:id", getBook)
//	dashecho.Bind(e)
//	e.Logger.Fatal(e.Start(":8080"))
//
// Bind before or after the routes: echo applies middleware to every route
// whenever it was added. Routes registered before Bind are declared at
// once, later ones when echo serves its first request (the dashboard's
// own pages count), so the endpoints table lists every route, requested or
// not, by the time anyone looks at it.
//
// Endpoints are named "METHOD path" with echo's path syntax
// ("GET /books/:id", "GET /files/*"); a route registered with Any is named
// by its path alone, as net/http's ServeMux names a pattern without a
// method. Requests no route matched (404, 405, routes added with
// RouteNotFound, and echo's automatic answer to OPTIONS) are counted under
// dashboard.Unmatched.
//
// An error a handler returns is given to echo's HTTPErrorHandler by the
// dashboard's middleware, so that the status it sends is the one
// recorded; the error still goes up the middleware chain, where echo's
// default error handler ignores it because the response is sent (echo's
// own RequestLogger does the same with HandleError).
package dashecho

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/route"
)

// Dashboard is a dashboard bound to an echo server. echo records its
// requests itself, so start it as before (e.Start); Dashboard's ServeHTTP
// serves echo too. The embedded *dashboard.Dashboard gives Close,
// SetLevel, Stats and the rest.
type Dashboard struct {
	*dashboard.Dashboard
	echo     *echo.Echo
	names    route.Table
	mu       sync.Mutex      // serialises declareRoutes
	declared map[string]bool // under mu
	discover sync.Once
	// pages and pagesAll are the echo paths of the dashboard's pages.
	pages, pagesAll string
}

// anyMethods are the methods echo's Any registers a route for.
var anyMethods = []string{
	http.MethodConnect, http.MethodDelete, http.MethodGet, http.MethodHead, http.MethodOptions,
	http.MethodPatch, http.MethodPost, echo.PROPFIND, http.MethodPut, http.MethodTrace, echo.REPORT,
}

// Bind binds a dashboard configured by the INI file named in
// DASHBOARD_CONFIG, the DASHBOARD_* environment variables and the defaults
// to e. It panics, naming the bad setting, when the configuration is
// wrong; use New to handle the error.
func Bind(e *echo.Echo) *Dashboard {
	d, err := New(e, dashboard.Config{})
	if err != nil {
		panic(err.Error())
	}
	return d
}

// New binds a dashboard configured by cfg to e: it adds the recording
// middleware and the routes of the dashboard's pages, and declares the
// routes e has.
func New(e *echo.Echo, cfg dashboard.Config) (*Dashboard, error) {
	if e == nil {
		return nil, fmt.Errorf("dashecho: New needs an echo server")
	}
	core, err := dashboard.New(e, cfg)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Dashboard: core, echo: e, declared: map[string]bool{}, pages: core.Link(), pagesAll: core.Link() + "/*"}
	if err := d.declareRoutes(); err != nil {
		core.Close(context.Background())
		return nil, err
	}
	e.Use(d.middleware)
	pages := echo.WrapHandler(core.Handler())
	e.Any(d.pages, pages)
	e.Any(d.pagesAll, pages)
	return d, nil
}

// ServeHTTP serves echo.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.echo.ServeHTTP(w, r) }

// middleware records requests. echo has matched the route before
// middleware runs, so the endpoint is named before the handler runs.
// echo builds its middleware chain for each request, so the closure
// returned here is one allocation per request, as for every echo
// middleware.
func (d *Dashboard) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		d.discover.Do(func() { d.declareRoutes() })
		p := c.Path()
		if p == d.pages || p == d.pagesAll {
			return next(c)
		}
		r := c.Request()
		// Only declared routes have names: what else echo reports a
		// path for is a 404 or 405 answer, or a RouteNotFound route.
		name, _ := d.names.Lookup(r.Method, p)
		m := d.Begin(r, name)
		done := false
		defer func() {
			if !done {
				// The handler panicked (or called runtime.Goexit):
				// record a 500, group the panic and let it go on to
				// echo's Recover or the server.
				v := recover()
				m.Panic(v)
				m.End(http.StatusInternalServerError)
				if v != nil {
					panic(v)
				}
			}
		}()
		err := next(c)
		done = true
		if err != nil {
			c.Error(err) // sends the status echo's error handler chooses
		}
		m.End(c.Response().Status)
		return err
	}
}

// declareRoutes declares every route of e (of every host) that is not
// declared yet.
func (d *Dashboard) declareRoutes() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var all []*echo.Route
	all = append(all, d.echo.Routes()...)
	for _, r := range d.echo.Routers() {
		all = append(all, r.Routes()...)
	}
	byPath := map[string][]*echo.Route{}
	var paths []string
	for _, r := range all {
		if r.Method == echo.RouteNotFound || r.Path == d.pages || r.Path == d.pagesAll {
			continue
		}
		if r.Path == d.pages || strings.HasPrefix(r.Path, d.pages+"/") {
			return fmt.Errorf("dashecho: route %s %s is under the dashboard's link %s; move it or set CUSTOM_LINK", r.Method, r.Path, d.pages)
		}
		if byPath[r.Path] == nil {
			paths = append(paths, r.Path)
		}
		byPath[r.Path] = append(byPath[r.Path], r)
	}
	for _, p := range paths {
		rs := byPath[p]
		if registeredByAny(rs) {
			d.declare("", p)
			continue
		}
		for _, r := range rs {
			d.declare(r.Method, p)
		}
	}
	return nil
}

func (d *Dashboard) declare(method, path string) {
	name := d.names.Add(method, path)
	if d.declared[name] {
		return
	}
	d.declared[name] = true
	if method == "" {
		d.DeclareEndpoint(name)
		return
	}
	d.DeclareEndpoint(name, method)
}

// registeredByAny reports whether the routes of one path are those Any
// registers: one per method of anyMethods, all with the same handler.
func registeredByAny(rs []*echo.Route) bool {
	if len(rs) != len(anyMethods) {
		return false
	}
	have := map[string]bool{}
	for _, r := range rs {
		if r.Name != rs[0].Name {
			return false
		}
		have[r.Method] = true
	}
	for _, m := range anyMethods {
		if !have[m] {
			return false
		}
	}
	return true
}
