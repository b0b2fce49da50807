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
// Each request becomes one row: the route pattern that matched
// ([http.Request.Pattern], such as "GET /books/{id}"), method, status,
// start, duration, the service's version, the user (see [Config.GroupBy])
// and the client address. Requests no route matched are counted under one
// name, [Unmatched].
//
// # Advanced usage
//
// [New] takes a [Config] and returns errors instead of panicking;
// [Dashboard.Close] writes everything still queued:
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
// ([Config.ConfigFile] or the DASHBOARD_CONFIG variable), DASHBOARD_<KEY>
// environment variables, and Config's fields. The zero Config is valid:
// [Bind] is New with it.
//
// Routers: [Dashboard.Middleware] returns a func(http.Handler)
// http.Handler for any router that keeps net/http's r.Pattern; the adapter
// modules under adapter/ name routes of chi, gin, echo and gorilla/mux.
// Frameworks that do not serve through net/http call [Dashboard.Record].
// Such routers serve the dashboard's pages with [Dashboard.Handler],
// mounted at the link ([Dashboard.Link]).
//
// Monitoring levels per endpoint ([Dashboard.SetLevel], MONITOR_LEVEL): 0
// off, 1 every request timed, 2 plus outliers (a request slower than its
// endpoint's average times OUTLIER_DETECTION_CONSTANT is captured while it
// runs: its goroutine's stack, every goroutine, CPU and memory, its URL,
// headers and form values with secrets redacted), 3 plus a wall-clock
// profiler whose pprof profiles are stored per endpoint and version. Panics
// in handlers are grouped by stack at every level from 1 and re-raised.
//
// New endpoints start at MONITOR_LEVEL, 1 by default. In code,
// [Config.MonitorLevel] sets it; as every zero field there, 0 keeps the
// default, and [MonitorOff] starts new endpoints switched off.
//
// For levels 2 and 3 the endpoint must be known before the handler runs:
// the dashboard asks the [http.ServeMux] it wraps, reads r.Pattern when
// mounted inside one, and router adapters name the route before the
// handler (see "Writing a router adapter" below).
//
// Between the dashboard and net/http's ServeMux, a middleware must pass
// the request on as it got it: a middleware that replaces it with a copy
// ([http.Request.WithContext], [http.Request.Clone]) hides the matched
// pattern from the dashboard, and the request is counted as Unmatched. Put
// such middleware inside the route, or outside the dashboard:
// requestID(dashboard.Bind(mux)).
//
// The request path never waits for the database: samples go into a bounded
// queue that one goroutine writes in batches. When the queue is full or
// the database stays down, samples are dropped and counted, and the counts
// are shown ([Dashboard.Stats]).
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
//
// # Writing a router adapter
//
// A service binds with [Bind], [New], [Dashboard.Middleware] or an adapter
// module; what follows is for writing such a module for another router.
// The adapters under adapter/ (chi, gin, echo, gorilla/mux) are worked
// examples. An adapter does three things:
//
//   - At start, it lists the router's routes and calls
//     [Dashboard.DeclareEndpoint] for each, so that every endpoint is
//     listed, and its level can be set, before its first request.
//   - For each request, it records it under the route's pattern, never the
//     raw path, in one of three ways, by when the router knows the route:
//     [Dashboard.ServeEndpoint], from a middleware that runs after the
//     router has matched (gorilla/mux), serves the handler through
//     net/http and learns the status from the writer; [Dashboard.Begin]
//     and [Measurement.End] (with [Measurement.Panic] in the deferred
//     recovery) serve frameworks that write the response through their
//     own type and keep the status themselves (gin, echo);
//     [Dashboard.Wrap] with a function that names the route after the
//     handler returns serves routers that only know the route once they
//     have routed (chi).
//   - It serves the dashboard's pages through the router, mounting
//     [Dashboard.Handler] at [Dashboard.Link] and below.
//
// Levels 2 and 3 watch a request while it runs, so they need the endpoint
// before the handler: ServeEndpoint and Begin have it. Wrap has it only
// when next is a [RouteMatcher], which Wrap asks, while some endpoint is
// watched, which route a request will take (chi's adapter answers with
// chi's Find); otherwise Wrap's requests are timed at every level but not
// watched.
package dashboard
