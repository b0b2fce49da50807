// Package dashgin binds the Go Monitoring Dashboard to a gin engine: every
// route is listed, each request is recorded under the gin route that
// matched, with the status gin sent, and the dashboard's pages are served
// by the engine.
//
//	r := gin.Default()
//	d := dashgin.Bind(r) // before the routes
//	r.GET("/books/:id", getBook)
//	r.Run(":8080")
//
// Bind before registering routes: gin gives a middleware only to the
// routes registered after it (New returns an error when routes came
// first). gin has no start hook, so the routes are declared when the
// engine serves its first request; the dashboard's own pages are served
// by the engine too, so the endpoints table lists every route, requested
// or not, by the time anyone looks at it.
//
// Endpoints are named "METHOD path" with gin's path syntax
// ("GET /books/:id", "GET /files/*filepath"); a route registered with Any
// is named by its path alone, as net/http's ServeMux names a pattern
// without a method. Requests no route matched (404, and 405 when
// HandleMethodNotAllowed is on) are counted under dashboard.Unmatched.
// gin's trailing-slash and fixed-path redirects bypass middleware and are
// not recorded.
package dashgin

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/route"
)

// Dashboard is a dashboard bound to a gin engine. The engine records its
// requests itself, so serve the engine as before (r.Run); Dashboard's
// ServeHTTP serves the engine too. The embedded *dashboard.Dashboard gives
// Close, SetLevel, Stats and the rest.
type Dashboard struct {
	*dashboard.Dashboard
	engine   *gin.Engine
	names    route.Table
	discover sync.Once
	// pages and pagesAll are the gin paths of the dashboard's pages.
	pages, pagesAll string
}

// anyMethods are the methods gin's Any registers a route for.
var anyMethods = []string{
	http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodHead,
	http.MethodOptions, http.MethodDelete, http.MethodConnect, http.MethodTrace,
}

// Bind binds a dashboard configured by the INI file named in
// DASHBOARD_CONFIG, the DASHBOARD_* environment variables and the defaults
// to engine e. It panics, naming the bad setting, when the configuration
// is wrong; use New to handle the error.
func Bind(e *gin.Engine) *Dashboard {
	d, err := New(e, dashboard.Config{})
	if err != nil {
		panic(err.Error())
	}
	return d
}

// New binds a dashboard configured by cfg to engine e: it adds the
// recording middleware and the routes of the dashboard's pages. Call it
// before registering the service's routes.
func New(e *gin.Engine, cfg dashboard.Config) (*Dashboard, error) {
	if e == nil {
		return nil, fmt.Errorf("dashgin: New needs an engine")
	}
	if rs := e.Routes(); len(rs) > 0 {
		return nil, fmt.Errorf("dashgin: %d routes (%s %s first) were registered before New; gin gives a middleware only to routes registered after it, so call dashgin.Bind or New right after gin.New or gin.Default",
			len(rs), rs[0].Method, rs[0].Path)
	}
	core, err := dashboard.New(e, cfg)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Dashboard: core, engine: e, pages: core.Link(), pagesAll: core.Link() + "/*path"}
	e.Use(d.handle)
	pages := gin.WrapH(core.Handler())
	e.Any(d.pages, pages)
	e.Any(d.pagesAll, pages)
	return d, nil
}

// ServeHTTP serves the engine.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.engine.ServeHTTP(w, r) }

// handle is the recording middleware. gin has matched the route before
// middleware runs, so the endpoint is named before the handler runs.
func (d *Dashboard) handle(c *gin.Context) {
	d.discover.Do(d.declareRoutes)
	p := c.FullPath() // "" when no route matched
	if p == d.pages || p == d.pagesAll {
		c.Next()
		return
	}
	var name string
	if p != "" {
		name = d.names.Name(c.Request.Method, p)
	}
	m := d.Begin(c.Request, name)
	done := false
	defer func() {
		if !done {
			// The handler panicked (or called runtime.Goexit): record a
			// 500, group the panic and let it go on to gin's Recovery or
			// the server.
			v := recover()
			m.Panic(v)
			m.End(http.StatusInternalServerError)
			if v != nil {
				panic(v)
			}
		}
	}()
	c.Next()
	done = true
	m.End(c.Writer.Status())
}

// declareRoutes declares every route of the engine.
func (d *Dashboard) declareRoutes() {
	byPath := map[string][]gin.RouteInfo{}
	var paths []string
	for _, r := range d.engine.Routes() {
		if r.Path == d.pages || r.Path == d.pagesAll || strings.HasPrefix(r.Path, d.pages+"/") {
			continue
		}
		if byPath[r.Path] == nil {
			paths = append(paths, r.Path)
		}
		byPath[r.Path] = append(byPath[r.Path], r)
	}
	for _, p := range paths {
		rs := byPath[p]
		if registeredByAny(rs) {
			d.DeclareEndpoint(d.names.Add("", p))
			continue
		}
		for _, r := range rs {
			d.DeclareEndpoint(d.names.Add(r.Method, p), r.Method)
		}
	}
}

// registeredByAny reports whether the routes of one path are those Any
// registers: one per method of anyMethods, all with the same handler.
func registeredByAny(rs []gin.RouteInfo) bool {
	if len(rs) != len(anyMethods) {
		return false
	}
	h := reflect.ValueOf(rs[0].HandlerFunc).Pointer()
	have := map[string]bool{}
	for _, r := range rs {
		if reflect.ValueOf(r.HandlerFunc).Pointer() != h {
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
