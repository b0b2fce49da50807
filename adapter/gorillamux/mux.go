// Package dashmux binds the Go Monitoring Dashboard to a gorilla/mux
// router: every route is listed, each request is recorded under the route
// template that matched, and the dashboard's pages are routes of the
// router.
//
//	r := mux.NewRouter()
//	r.HandleFunc("/books/{id}", getBook).Methods("GET")
//	dashmux.Bind(r)
//	log.Fatal(http.ListenAndServe(":8080", r))
//
// Bind after the routes: their templates are declared at once (routes
// added later are declared when the router serves its first request).
// gorilla/mux tries routes in order, so a catch-all route (PathPrefix("/"))
// registered before Bind hides the dashboard's pages: register it after.
//
// Endpoints are named "METHOD template" ("GET /books/{id}",
// "GET /books/{id:[0-9]+}", subrouters' templates joined as gorilla/mux
// joins them); a route with several methods gives one endpoint per method,
// and a route without Methods is named by its template alone, as
// net/http's ServeMux names a pattern without a method. Requests no route
// matched (404, 405) are counted under dashboard.Unmatched. gorilla/mux
// answers unclean paths ("/a//b") and StrictSlash redirects before any
// route or middleware runs; those are not recorded.
package dashmux

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/route"
)

// Dashboard is a dashboard bound to a gorilla/mux router. The router
// records its requests itself, so serve the router as before; Dashboard's
// ServeHTTP serves the router too. The embedded *dashboard.Dashboard gives
// Close, SetLevel, Stats and the rest.
type Dashboard struct {
	*dashboard.Dashboard
	router          *mux.Router
	names           route.Table
	pages, pagesAll *mux.Route
	link            string
	discover        sync.Once
	declareLate     func()          // declares routes added after Bind, made once
	mu              sync.Mutex      // serialises declareRoutes
	declared        map[string]bool // under mu
}

// Bind binds a dashboard configured by the INI file named in
// DASHBOARD_CONFIG, the DASHBOARD_* environment variables and the defaults
// to router r. It panics, naming the bad setting, when the configuration
// is wrong; use New to handle the error.
func Bind(r *mux.Router) *Dashboard {
	d, err := New(r, dashboard.Config{})
	if err != nil {
		panic(err.Error())
	}
	return d
}

// New binds a dashboard configured by cfg to router r: it declares the
// routes r has, adds the recording middleware, records r's 404 and 405
// answers, and adds the dashboard's pages as routes.
func New(r *mux.Router, cfg dashboard.Config) (*Dashboard, error) {
	if r == nil {
		return nil, fmt.Errorf("dashmux: New needs a router")
	}
	core, err := dashboard.New(r, cfg)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Dashboard: core, router: r, link: core.Link(), declared: map[string]bool{}}
	d.declareLate = func() { d.declareRoutes() }
	routers, err := d.declareRoutes()
	if err != nil {
		core.Close(context.Background())
		return nil, err
	}
	// Unmatched requests never reach the middleware: gorilla/mux runs
	// it only for matched routes. Record them where the router answers.
	unmatched := func(*http.Request) string { return "" }
	if r.NotFoundHandler == nil {
		r.NotFoundHandler = http.NotFoundHandler()
	}
	if r.MethodNotAllowedHandler == nil {
		r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusMethodNotAllowed) // what gorilla/mux answers
		})
	}
	r.NotFoundHandler = core.Wrap(r.NotFoundHandler, unmatched)
	r.MethodNotAllowedHandler = core.Wrap(r.MethodNotAllowedHandler, unmatched)
	for _, sub := range routers {
		if sub == r {
			continue
		}
		if sub.NotFoundHandler != nil {
			sub.NotFoundHandler = core.Wrap(sub.NotFoundHandler, unmatched)
		}
		if sub.MethodNotAllowedHandler != nil {
			sub.MethodNotAllowedHandler = core.Wrap(sub.MethodNotAllowedHandler, unmatched)
		}
	}
	r.Use(d.middleware)
	pages := core.Handler()
	d.pages = r.Path(d.link).Handler(pages)
	d.pagesAll = r.PathPrefix(d.link + "/").Handler(pages)
	return d, nil
}

// ServeHTTP serves the router.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.router.ServeHTTP(w, r) }

// middleware records the requests of matched routes. gorilla/mux builds
// the middleware chain at each match, so the handler returned here is one
// allocation per request, as for every gorilla/mux middleware. The route
// is known here, before the handler runs.
func (d *Dashboard) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.discover.Do(d.declareLate)
		rt := mux.CurrentRoute(r)
		if rt == d.pages || rt == d.pagesAll {
			next.ServeHTTP(w, r)
			return
		}
		var name string
		if rt != nil {
			name = d.names.Name(r.Method, template(rt))
		}
		d.ServeEndpoint(w, r, name, next)
	})
}

// template is the route's path template, or for a route matched by host
// or by other matchers only, its host template or name.
func template(rt *mux.Route) string {
	if t, err := rt.GetPathTemplate(); err == nil {
		return t
	}
	if t, err := rt.GetHostTemplate(); err == nil {
		return t
	}
	if n := rt.GetName(); n != "" {
		return n
	}
	return "(route without path)"
}

// declareRoutes declares every route of the router not declared yet and
// returns the routers (the router and its subrouters) it met.
func (d *Dashboard) declareRoutes() ([]*mux.Router, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	routers := []*mux.Router{}
	seen := map[*mux.Router]bool{}
	err := d.router.Walk(func(rt *mux.Route, router *mux.Router, _ []*mux.Route) error {
		if !seen[router] {
			seen[router] = true
			routers = append(routers, router)
		}
		if rt == d.pages || rt == d.pagesAll || rt.GetHandler() == nil {
			return nil // the dashboard's pages, or a subrouter's own route
		}
		t := template(rt)
		if t == d.link || strings.HasPrefix(t, d.link+"/") {
			return fmt.Errorf("dashmux: route %q is under the dashboard's link %s; move it or set CUSTOM_LINK", t, d.link)
		}
		methods, err := rt.GetMethods()
		if err != nil || len(methods) == 0 {
			d.declare("", t)
			return nil
		}
		for _, m := range methods {
			d.declare(m, t)
		}
		return nil
	})
	return routers, err
}

func (d *Dashboard) declare(method, template string) {
	name := d.names.Add(method, template)
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
