package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/loop"
	"github.com/go-monitoring-dashboard/dashboard/internal/measure"
	"github.com/go-monitoring-dashboard/dashboard/internal/outlier"
	"github.com/go-monitoring-dashboard/dashboard/internal/recorder"
	"github.com/go-monitoring-dashboard/dashboard/internal/retention"
	"github.com/go-monitoring-dashboard/dashboard/internal/version"
	"github.com/go-monitoring-dashboard/dashboard/internal/web"
	"github.com/go-monitoring-dashboard/dashboard/store"
	_ "github.com/go-monitoring-dashboard/dashboard/store/sqlite" // the default store
)

// ownPackage is this package's path, whose frames panic signatures leave
// out.
const ownPackage = "github.com/go-monitoring-dashboard/dashboard"

// Dashboard records the requests of the handler it wraps and serves the
// dashboard under its link. It is an [http.Handler]. Create it with [New]
// or [Bind] and stop it with [Dashboard.Close].
type Dashboard struct {
	next      http.Handler
	cfg       *config.Config
	link      string // "/dashboard"
	linkSlash string // "/dashboard/"
	ui        http.Handler
	webUI     atomic.Pointer[web.Server] // set once the UI is built

	clock    *measure.Clock
	wrapper  measure.Wrapper
	store    store.Store
	ownStore bool
	rec      *recorder.Recorder
	eps      *registry
	methods  measure.Methods // the methods recorded by name; others are measure.OtherMethod
	pruner   *retention.Pruner
	mon      *outlier.Monitor // outliers, profiler (levels 2, 3) and panics

	levels *loop.Loop // reads levels set elsewhere (levels.go); nil when off
	raw    rawSampler // RAW_SAMPLE_RATE

	version       string
	versionSource version.Source
	groupBy       func(*http.Request) string
	trusted       []netip.Prefix
	log           *slog.Logger
	hash          auth.Params // the UI's password hashing cost (tests)

	closeOnce sync.Once
	closeErr  error
}

// Bind wraps h with a dashboard configured by the INI file named in
// DASHBOARD_CONFIG, the DASHBOARD_* environment variables and the defaults.
// It panics, naming the bad setting, when the configuration is wrong, like
// [regexp.MustCompile]; use [New] to handle the error.
func Bind(h http.Handler) *Dashboard {
	d, err := New(h, Config{})
	if err != nil {
		panic(err.Error())
	}
	return d
}

// New wraps h with a dashboard. It reads the configuration, detects the
// version, opens the database (creating and migrating it when needed) and
// starts the recorder. [Dashboard.Close] stops it.
func New(h http.Handler, cfg Config) (*Dashboard, error) {
	if h == nil {
		h = http.DefaultServeMux
	}
	environ := cfg.environ
	if environ == nil {
		environ = os.Environ()
	}
	c, err := config.Load(config.Options{File: cfg.ConfigFile, Environ: environ, Code: cfg.codeSettings()})
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	for _, w := range c.Warnings {
		log.Warn("dashboard: " + w)
	}
	ver, src, err := version.Detect(c.AppVersion, c.Git, debug.ReadBuildInfo)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{
		next: h, cfg: c, log: log, clock: measure.NewClock(),
		link: "/" + c.CustomLink, linkSlash: "/" + c.CustomLink + "/",
		version: ver, versionSource: src, groupBy: cfg.GroupBy, trusted: c.TrustedProxies, hash: cfg.hash,
	}
	d.raw.rate = uint64(c.RawSampleRate)
	// The outlier monitor and the registry exist before the store, which
	// may fill the registry from its own goroutine once a database server
	// is reached; the monitor learns every level from the registry.
	d.mon, err = outlier.New(outlier.Options{
		Service: c.Service, Instance: c.Instance, Version: ver, Clock: d.clock,
		Constant: c.OutlierConstant, MinRequests: int64(c.OutlierMinRequests), MinDuration: c.OutlierMinDuration,
		CapturesPerMinute: c.OutlierCapturesPerMinute, Redact: c.OutlierRedact, SamplingPeriod: c.SamplingPeriod,
		ProfileFlush: c.ProfileInterval, Ignore: []string{ownPackage + ".(*Dashboard)."}, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("dashboard: OUTLIER_REDACT: %w", err)
	}
	d.eps = newRegistry(c.MonitorLevel, func(e *endpoint, old, new int) { d.mon.LevelChanged(&e.watch, old, new) })
	d.store = cfg.Store
	if d.store != nil {
		// DATABASE is not used: say so on the settings page rather than
		// show a default that is not where the data goes.
		for i := range c.Entries {
			if c.Entries[i].Key == "DATABASE" {
				c.Entries[i].Value, c.Entries[i].Source = "not used: the store given in Config.Store", "code"
			}
		}
	}
	if d.store == nil {
		// A database server that is down does not stop the service: the
		// store connects in the background and the recorder keeps rows
		// meanwhile. Only a wrong URL, a driver not linked in or a file
		// that cannot be opened fail here.
		if d.store, err = store.Start(c.Database, store.StartOptions{Logger: log, OnReady: d.onReady}); err != nil {
			return nil, err
		}
		d.ownStore = true
	} else if err := d.loadLevels(context.Background(), d.store); err != nil {
		return nil, err
	}
	if l, ok := d.store.(store.ReadLimiter); ok {
		l.LimitReads(c.ReadConnections)
	}

	// The UI before the recorder: it may write users, and fails before
	// anything runs.
	if err := d.startUI(); err != nil {
		d.closeStore()
		return nil, err
	}
	d.rec = recorder.New(d.store, recorder.Options{
		Service: c.Service, Instance: c.Instance, Version: ver, Clock: d.clock,
		QueueSize: c.QueueSize, BatchSize: c.BatchSize, FlushInterval: c.FlushInterval,
		BacklogLimit: c.BacklogLimit, NoBacklog: c.BacklogLimit == 0, GroupLimit: c.GroupLimit, Logger: log,
		Source: d.mon, // outliers, panics and profiles go out with the requests' batches
	})
	d.rec.DeclareVersion(ver, time.Now())
	d.eps.setCreated(d.rec.DeclareEndpoint)
	d.mon.Start()
	d.pruner = retention.Start(d.store, retention.Options{
		Raw: time.Duration(c.RawRetentionDays) * retention.Day, Rollups: time.Duration(c.RollupRetentionDays) * retention.Day,
		Daily:  time.Duration(c.DailyRetentionDays) * retention.Day,
		Logger: log,
	})
	d.startLevelRefresh(c.LevelRefresh)
	db := store.Redact(c.Database)
	if !d.ownStore {
		db = "(Config.Store)"
	}
	log.Info("dashboard: recording requests", "database", db, "version", ver,
		"version_from", string(src), "service", c.Service, "instance", c.Instance, "link", d.link)
	return d, nil
}

// ServeHTTP serves the dashboard under its link and every other request
// with the wrapped handler, recording it.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.isUI(r.URL.Path) {
		d.ui.ServeHTTP(w, r)
		return
	}
	d.serve(d.next, nil, w, r)
}

// Middleware returns a middleware that records the requests passing
// through it, for routers that take func(http.Handler) http.Handler. The
// endpoint is [http.Request.Pattern], which net/http's [http.ServeMux]
// sets; routers with their own patterns have adapter packages. It does not
// serve the dashboard's pages: mount [Dashboard.Handler] for them.
func (d *Dashboard) Middleware() func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return d.Wrap(next, nil) }
}

// Wrap returns next, recording its requests. After next returns, route
// names the request's endpoint (a route pattern, never a raw path); nil
// reads r.Pattern. An empty name counts the request as [Unmatched]. Router
// adapters use it (see "Writing a router adapter" in the package
// documentation).
//
// Because the endpoint is known only when next returns, requests wrapped
// with a route function are timed and their panics grouped, but watched
// for outliers or profiled (levels 2 and 3) only when next is a
// [RouteMatcher]. Routers that match before the handler runs use
// [Dashboard.ServeEndpoint] or [Dashboard.Begin] instead. With a nil route,
// next is watched when it is a *[http.ServeMux] (which is asked for the
// pattern first) or when the dashboard sits inside a ServeMux route.
func (d *Dashboard) Wrap(next http.Handler, route func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.isUI(r.URL.Path) {
			// The dashboard's own pages, mounted on the router with
			// Handler: served, never recorded.
			next.ServeHTTP(w, r)
			return
		}
		d.serve(next, route, w, r)
	})
}

// RouteMatcher is a handler given to [Dashboard.Wrap] whose router can
// tell which route a request will take without serving it, such as chi's
// Find. While some endpoint is at level 2 or 3 (and only then: a match
// costs about as much as routing), Wrap asks MatchRoute before next runs,
// so that the request can be watched for outliers and profiled; ok false
// leaves it unwatched. The endpoint recorded is still the one Wrap's route
// function names after next returns.
type RouteMatcher interface {
	http.Handler
	MatchRoute(r *http.Request) (endpoint string, ok bool)
}

// serve is the request hot path: a clock read, a pooled writer wrapper, the
// handler, and a non-blocking hand-off to the recorder. It takes no locks
// and allocates nothing. While no endpoint is at level 2 or 3, watching
// costs it one atomic load.
func (d *Dashboard) serve(next http.Handler, route func(*http.Request) string, w http.ResponseWriter, r *http.Request) {
	if d.mon.Watching() {
		d.serveWatched(next, route, nil, w, r)
		return
	}
	start := d.clock.Mono()
	rw, ww := d.wrapper.Wrap(w)
	ok := false
	defer func() {
		if !ok {
			// The handler panicked (or called runtime.Goexit).
			d.recovered(rw, r, route, start, nil, outlier.Handle{}, recover())
		}
	}()
	next.ServeHTTP(ww, r)
	ok = true
	// finish, written out: this is the path of nearly every request, and
	// each call saved shows in BenchmarkServeHTTP.
	dur := d.clock.Mono() - start
	status := rw.Status()
	rw.Release()
	if status == 0 {
		status = http.StatusOK // what net/http sends for an empty response
	}
	var name string
	if route != nil {
		name = route(r)
	} else {
		name = r.Pattern
	}
	d.add(d.eps.get(name), r, status, start, dur, outlier.Handle{})
}

// serveWatched is serve while some endpoint is at level 2 or 3: it finds
// the endpoint before the handler runs (e, when the caller knows it), and
// for a watched one takes a slot in the outlier monitor and marks the
// goroutine with the slot's pprof label.
func (d *Dashboard) serveWatched(next http.Handler, route func(*http.Request) string, e *endpoint, w http.ResponseWriter, r *http.Request) {
	start := d.clock.Mono()
	watched := e
	if e == nil {
		if name, known := d.earlyName(next, route, r); known {
			watched = d.eps.get(name)
			// A RouteMatcher's name (route is set) only picks the
			// request to watch; route names it after next, as a
			// middleware may change the path the router matches.
			if route == nil {
				e = watched
			}
		}
	}
	h := d.arm(watched, start)
	rw, ww := d.wrapper.Wrap(w)
	ok := false
	defer func() {
		if h.Valid() {
			// Back to the labels the request came with (those of an
			// outer pprof.Do, or none).
			pprof.SetGoroutineLabels(r.Context())
		}
		if !ok {
			d.recovered(rw, r, route, start, e, h, recover())
		}
	}()
	next.ServeHTTP(ww, r)
	ok = true
	if e == nil {
		e = d.endpointOf(r, route)
	}
	d.finishAs(rw, e, r, start, 0, h)
}

// arm starts watching a request of e when e is at level 2 or 3, and marks
// the goroutine with the slot's label.
func (d *Dashboard) arm(e *endpoint, start time.Duration) outlier.Handle {
	if e == nil {
		return outlier.Handle{}
	}
	lvl := e.level.Load()
	if lvl < store.LevelOutliers {
		return outlier.Handle{}
	}
	h := d.mon.Arm(&e.watch, start, lvl >= store.LevelProfiler)
	if h.Valid() {
		pprof.SetGoroutineLabels(h.Labels())
	}
	return h
}

// earlyName names the endpoint of a request before its handler runs, when
// that can be known: from r.Pattern when the dashboard is mounted inside a
// ServeMux route, or by asking the ServeMux or RouteMatcher it wraps which
// route matches (a second match, paid only while some endpoint is at level
// 2 or 3). ServeMux.Handler only reads the request.
func (d *Dashboard) earlyName(next http.Handler, route func(*http.Request) string, r *http.Request) (string, bool) {
	switch {
	case route != nil:
		if m, ok := next.(RouteMatcher); ok {
			return m.MatchRoute(r)
		}
		return "", false
	case r.Pattern != "":
		return r.Pattern, true
	}
	if mux, ok := next.(*http.ServeMux); ok {
		_, pattern := mux.Handler(r)
		return pattern, true
	}
	return "", false
}

// recovered ends a request whose handler panicked or called
// runtime.Goexit (v is nil): it records a 500, groups the panic, and
// panics again with the same value. It runs inside the deferred function,
// before the stack unwinds, so the server's own recovery still sees the
// handler's frames in its stack trace, and http.ErrAbortHandler still
// aborts quietly.
func (d *Dashboard) recovered(rw *measure.Writer, r *http.Request, route func(*http.Request) string, start time.Duration, e *endpoint, h outlier.Handle, v any) {
	if e == nil {
		e = d.endpointOf(r, route)
	}
	d.finishAs(rw, e, r, start, http.StatusInternalServerError, h)
	if v == nil {
		return // runtime.Goexit: nothing to re-raise
	}
	d.panicked(e, v)
	panic(v)
}

// panicked groups a panic of a request of e, unless e is switched off or
// the panic is net/http's deliberate abort.
func (d *Dashboard) panicked(e *endpoint, v any) {
	if e.level.Load() != store.LevelOff && v != http.ErrAbortHandler { //nolint:errorlint // the sentinel itself is what net/http checks
		d.mon.Panic(e.name, v)
	}
}

// endpointOf names a request's endpoint after its handler ran.
func (d *Dashboard) endpointOf(r *http.Request, route func(*http.Request) string) *endpoint {
	var name string
	if route != nil {
		name = route(r)
	} else {
		name = r.Pattern
	}
	return d.eps.get(name)
}

// finishAs records the request of endpoint e; status 0 takes the status
// from the writer. h is its outlier slot, if it had one.
func (d *Dashboard) finishAs(rw *measure.Writer, e *endpoint, r *http.Request, start time.Duration, status int, h outlier.Handle) {
	dur := d.clock.Mono() - start
	if status == 0 {
		if status = rw.Status(); status == 0 {
			status = http.StatusOK // what net/http sends for an empty response
		}
	}
	rw.Release()
	d.add(e, r, status, start, dur, h)
}

// add queues the sample of a finished request of endpoint e, unless e is
// switched off, and ends its outlier watch.
func (d *Dashboard) add(e *endpoint, r *http.Request, status int, start, dur time.Duration, h outlier.Handle) {
	lvl := e.level.Load()
	if lvl >= store.LevelOutliers || h.Valid() {
		d.mon.Done(h, &e.watch, dur, r, status)
	}
	if lvl == store.LevelOff {
		return
	}
	var group string
	if d.groupBy != nil {
		group = d.groupBy(r)
	}
	ip := r.RemoteAddr // the writer strips the port
	if len(d.trusted) > 0 {
		ip = measure.ClientIP(r, d.trusted)
	}
	d.rec.Add(recorder.Sample{
		Endpoint: e.name, Method: d.methods.Name(r.Method, e.name), Status: status, Mono: start,
		Duration: dur, Group: group, IP: ip, NoRaw: d.raw.skip(lvl, status, h.Valid()),
	})
}

// loadLevels reads the endpoints stored for this service, with the levels
// an operator gave them, into the registry.
func (d *Dashboard) loadLevels(ctx context.Context, s store.Store) error {
	stored, err := s.Endpoints(ctx, d.cfg.Service)
	if err != nil {
		return fmt.Errorf("dashboard: reading endpoints from %s: %w", store.Redact(d.cfg.Database), err)
	}
	d.eps.load(stored)
	return nil
}

// Close stops recording: it writes every pending sample, stops the
// dashboard's goroutines and closes the database it opened. Requests
// served after Close are not recorded. Give ctx a deadline: when the
// database is down, Close retries until ctx ends, then reports how many
// samples were lost. Close is safe to call more than once.
func (d *Dashboard) Close(ctx context.Context) error {
	d.closeOnce.Do(func() {
		d.levels.Stop()
		d.pruner.Close()
		// The watchdog first, so that the recorder's last batch takes
		// everything it gathered.
		d.closeErr = errors.Join(d.mon.Close(ctx), d.rec.Close(ctx), d.closeStore())
	})
	return d.closeErr
}

func (d *Dashboard) closeStore() error {
	if d.ownStore {
		return d.store.Close()
	}
	return nil
}

// Version returns the version being recorded and where it was found
// ("APP_VERSION", "GIT", "build info" or "unknown").
func (d *Dashboard) Version() (name, source string) { return d.version, string(d.versionSource) }

// Link returns the path under which the dashboard is served, e.g. "/dashboard".
func (d *Dashboard) Link() string { return d.link }
