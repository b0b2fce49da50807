// Package dashboard is a drop-in performance monitoring dashboard for Go
// web services. Wrap the service's handler and a login-protected dashboard
// appears at /dashboard in the same binary, recording every request into an
// embedded SQLite file: which endpoints are used, when, how fast, for whom,
// and how that changes from version to version.
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /books/{id}", getBook)
//	log.Fatal(http.ListenAndServe(":8080", dashboard.Bind(mux)))
//
// Each request becomes one row: the route pattern that matched (r.Pattern,
// such as "GET /books/{id}"), method, status, start, duration, the
// service's version, the user (see Config.GroupBy) and the client address.
// Requests no route matched are counted under one name, Unmatched.
//
// # Advanced usage
//
// New takes a Config and returns errors instead of panicking; Close
// writes everything still queued:
//
//	d, err := dashboard.New(mux, dashboard.Config{
//		ConfigFile: "dashboard.ini",
//		GroupBy:    func(r *http.Request) string { return r.Header.Get("X-User") },
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer d.Close(context.Background())
//
// Settings come, lowest precedence first, from defaults, the INI file
// (Config.ConfigFile or the DASHBOARD_CONFIG variable), DASHBOARD_<KEY>
// environment variables, and Config's fields.
//
// Routers: Middleware returns a func(http.Handler) http.Handler for any
// router that keeps net/http's r.Pattern; the adapter modules under
// adapter/ name routes of chi, gin, echo and gorilla/mux. Frameworks that
// do not serve through net/http call Record. Such routers serve the
// dashboard's pages with Handler, mounted at the link.
//
// Monitoring levels per endpoint (SetLevel, MONITOR_LEVEL): 0 off, 1 every
// request timed, 2 plus outliers (a request slower than its endpoint's
// average times OUTLIER_DETECTION_CONSTANT is captured while it runs: its
// goroutine's stack, every goroutine, CPU and memory, its URL, headers and
// form values with secrets redacted), 3 plus a wall-clock profiler whose
// pprof profiles are stored per endpoint and version. Panics in handlers
// are grouped by stack at every level from 1 and re-raised. For levels 2
// and 3 the endpoint must be known before the handler runs: the dashboard
// asks the ServeMux it wraps, reads r.Pattern when mounted inside one, and
// router adapters that match first name the route with ServeEndpoint or
// Begin; Wrap asks a RouteMatcher.
//
// Between the dashboard and net/http's ServeMux, a middleware must pass
// the request on as it got it: a middleware that replaces it with a copy
// (r.WithContext, r.Clone) hides the matched pattern from the dashboard,
// and the request is counted as Unmatched. Put such middleware inside the
// route, or outside the dashboard: requestID(dashboard.Bind(mux)).
//
// The request path never waits for the database: samples go into a bounded
// queue that one goroutine writes in batches. When the queue is full or
// the database stays down, samples are dropped and counted, and the counts
// are shown.
//
// # Databases
//
// SQLite is built in. For PostgreSQL or MySQL/MariaDB, import the driver
// module for its side effect and set DATABASE to its URL:
//
//	import _ "github.com/go-monitoring-dashboard/dashboard/store/postgres" // postgres://user:password@host/db
//	import _ "github.com/go-monitoring-dashboard/dashboard/store/mysql"    // mysql://user:password@host:3306/db
//
// Several services, and several instances of each, may write to one such
// database; every row carries its service and instance. A database server
// that is down when New runs does not fail it: the dashboard connects in
// the background. Old rows are deleted in the background after
// RAW_RETENTION_DAYS, ROLLUP_RETENTION_DAYS and DAILY_RETENTION_DAYS; closed
// days are folded into daily rollups and all-time totals, which long
// windows read.
package dashboard
