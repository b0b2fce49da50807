// Package dashchi binds the Go Monitoring Dashboard to a chi router: every
// route is listed at start, each request is recorded under the chi pattern
// that matched, and the dashboard's pages are mounted on the router.
//
//	r := chi.NewRouter()
//	r.Get("/books/{id}", getBook)
//	log.Fatal(http.ListenAndServe(":8080", dashchi.Bind(r)))
//
// Bind after the routes are registered: it walks them (sub-routers and
// mounted routers included) to declare each one. Endpoints are named
// "METHOD pattern" ("GET /books/{id}", "GET /api/v1/books/{id}" inside a
// mounted router); a route that serves every method (Handle, or Mount of
// an http.Handler) is named by its pattern alone, as net/http's ServeMux
// names them. Requests no route matched (404, 405) are counted under
// dashboard.Unmatched.
//
// chi names the route only once it has routed the request, so the name
// recorded is read after the handler. While some endpoint is at level 2
// or 3, the adapter also asks chi's Find before the handler runs, so that
// slow requests can be captured while they run; at level 1 it does not.
package dashchi

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/route"
)

// Dashboard is a dashboard bound to a chi router. Serve it instead of the
// router: it serves the router, recording every request, and the
// dashboard's pages, which it mounted on the router at the link. The
// embedded *dashboard.Dashboard gives Close, SetLevel, Stats and the rest.
type Dashboard struct {
	*dashboard.Dashboard
	router    chi.Router
	recorded  http.Handler // router, measured
	names     route.Table
	mounts    map[string]bool // patterns where a mounted chi router takes over
	pool      sync.Pool       // *chi.Context
	link      string
	linkSlash string
}

// Bind binds a dashboard configured by the INI file named in
// DASHBOARD_CONFIG, the DASHBOARD_* environment variables and the defaults
// to router r. It panics, naming the bad setting, when the configuration
// is wrong; use New to handle the error.
func Bind(r chi.Router) *Dashboard {
	d, err := New(r, dashboard.Config{})
	if err != nil {
		panic(err.Error())
	}
	return d
}

// New binds a dashboard configured by cfg to router r: it declares every
// route of r and mounts the dashboard's pages on r at the link.
func New(r chi.Router, cfg dashboard.Config) (*Dashboard, error) {
	if r == nil {
		return nil, fmt.Errorf("dashchi: New needs a router")
	}
	core, err := dashboard.New(r, cfg)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Dashboard: core, router: r, mounts: map[string]bool{},
		link: core.Link(), linkSlash: core.Link() + "/"}
	d.pool.New = func() any { return chi.NewRouteContext() }
	if err := d.discover(r, ""); err != nil {
		core.Close(context.Background())
		return nil, err
	}
	// The pages are mounted after the walk, so that they are not
	// declared as the service's endpoints. chi keeps the whole path for
	// a mounted handler, as Handler wants.
	r.Mount(d.link, core.Handler())
	d.recorded = core.Wrap(matcher{d}, d.route)
	return d, nil
}

// matcher is the router as the core sees it: a handler that can also
// name a request's route before serving it.
type matcher struct{ d *Dashboard }

func (m matcher) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.d.router.ServeHTTP(w, r) }

// MatchRoute names the route r will take, with chi's Find on a routing
// context of its own. The core asks only while some endpoint is at level
// 2 or 3, so that requests can be watched while they run; then each
// request is matched twice. A request that matches no route is not
// watched.
func (m matcher) MatchRoute(r *http.Request) (string, bool) {
	d := m.d
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	rctx := d.pool.Get().(*chi.Context)
	rctx.Reset()
	rctx.Routes = d.router
	p := d.router.Find(rctx, r.Method, path)
	d.pool.Put(rctx)
	if p == "" {
		return "", false
	}
	return d.name(r.Method, pattern(p))
}

// ServeHTTP serves the router. Requests under the link reach the
// dashboard's pages through the router (and its middleware) and are not
// recorded; every other request is.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; p == d.link || strings.HasPrefix(p, d.linkSlash) {
		d.router.ServeHTTP(w, r)
		return
	}
	// Hand chi a routing context of ours: chi then routes this request
	// without copying it (the copy it would make costs the same as
	// ours), and the context, which outlives the handler, tells the
	// pattern after it returned even when a middleware copied the
	// request.
	rctx := d.pool.Get().(*chi.Context)
	rctx.Reset()
	rctx.Routes = d.router
	r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
	r.Pattern = "" // our copy: a pattern set by an outer ServeMux is not chi's
	d.recorded.ServeHTTP(w, r)
	d.pool.Put(rctx)
}

// route names the endpoint of a request after the router served it. It
// is the name recorded; MatchRoute's, before the handler, only decides
// whether to watch the request.
func (d *Dashboard) route(r *http.Request) string {
	p := r.Pattern // set by chi on the request it routed: ours, unless a middleware copied it
	if p == "" {
		p = chi.RouteContext(r.Context()).RoutePattern()
	}
	name, _ := d.name(r.Method, p)
	return name
}

// name gives the endpoint of a request of method that chi matched to
// pattern p (as RoutePattern writes it); ok is false when no route
// matched.
func (d *Dashboard) name(method, p string) (string, bool) {
	if p == "" {
		return "", false // no route matched at the top router
	}
	if name, ok := d.names.Lookup(method, p); ok {
		return name, true
	}
	if d.mounts[p] {
		return "", false // a mounted router matched none of its routes
	}
	if strings.HasSuffix(p, "/*") {
		// A mounted http.Handler, which chi does not list: it serves
		// every method.
		return d.names.Name("", p), true
	}
	return d.names.Name(method, p), true // a route added after Bind
}

// discover declares every route of rs, whose patterns start with prefix.
func (d *Dashboard) discover(rs chi.Routes, prefix string) error {
	for _, rt := range rs.Routes() {
		full := prefix + rt.Pattern
		if rt.SubRoutes != nil {
			// Requests that stop here matched no route of the
			// mounted router; chi names them after the mount.
			d.mounts[pattern(full)] = true
			d.mounts[pattern(strings.TrimSuffix(full, "/*"))] = true
			if err := d.discover(rt.SubRoutes, strings.TrimSuffix(full, "/*")); err != nil {
				return err
			}
			continue
		}
		p := pattern(full)
		if p == d.link || strings.HasPrefix(p, d.linkSlash) {
			return fmt.Errorf("dashchi: route %q is under the dashboard's link %s; move it or set CUSTOM_LINK", p, d.link)
		}
		all := rt.Handlers["*"]
		for method, h := range rt.Handlers {
			if method == "*" || all != nil && sameHandler(h, all) {
				continue // served by the every-method route
			}
			d.DeclareEndpoint(d.names.Add(method, p), method)
		}
		if all != nil {
			d.DeclareEndpoint(d.names.Add("", p))
		}
	}
	return nil
}

// pattern writes a route's full pattern as chi's RoutePattern reports it
// for a request: mount points joined ("/api/*" + "/books" is
// "/api/books") and no trailing slash.
func pattern(p string) string {
	for strings.Contains(p, "/*/") {
		p = strings.ReplaceAll(p, "/*/", "/")
	}
	if p != "/" {
		p = strings.TrimSuffix(p, "//")
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// sameHandler reports whether a and b are the same handler. chi stores an
// every-method route's handler under each method too; handlers are often
// funcs, which == cannot compare.
func sameHandler(a, b http.Handler) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	switch va.Kind() {
	case reflect.Func, reflect.Pointer, reflect.Map, reflect.Chan, reflect.UnsafePointer:
		return va.Pointer() == vb.Pointer()
	}
	return va.Comparable() && va.Equal(vb)
}
