package dashboard

import (
	"net/http"
	"runtime/pprof"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/outlier"
)

// Measurement is one request being measured for a router adapter whose
// framework writes the response through its own type and keeps the
// status itself (gin, echo). [Dashboard.Begin] starts it once the router
// has matched the request, [Measurement.End] finishes it. It is a value:
// keeping one costs no allocation.
type Measurement struct {
	d     *Dashboard
	e     *endpoint
	r     *http.Request
	start time.Duration
	h     outlier.Handle // outlier slot at levels 2 and 3
}

// Begin starts measuring request r of endpoint, the name of the route the
// router matched ("" when none did, counted as Unmatched), before the
// handler runs. Call [Measurement.End] when the handler has returned, or
// when it panicked (with status 500).
//
// Naming the endpoint before the handler runs is what lets monitoring
// levels above 1 watch the request while it runs; routers that match
// before their middleware (gin, echo) call Begin from a middleware.
// Routers that serve through net/http handlers use
// [Dashboard.ServeEndpoint] or [Dashboard.Wrap] instead, which learn the
// status from the writer. See "Writing a router adapter" in the package
// documentation.
func (d *Dashboard) Begin(r *http.Request, endpoint string) Measurement {
	m := Measurement{d: d, e: d.eps.get(endpoint), r: r, start: d.clock.Mono()}
	if d.mon.Watching() {
		m.h = d.arm(m.e, m.start)
	}
	return m
}

// End records the request with the status the framework sent; 0 is
// recorded as 200. A zero Measurement records nothing.
func (m Measurement) End(status int) {
	if m.d == nil {
		return
	}
	dur := m.d.clock.Mono() - m.start
	if status == 0 {
		status = http.StatusOK
	}
	if m.h.Valid() {
		pprof.SetGoroutineLabels(m.r.Context())
	}
	m.d.add(m.e, m.r, status, m.start, dur, m.h)
}

// Panic groups a panic of the request with the others of its stack
// signature (see the errors page). Call it with recover()'s value from the
// deferred function that ends a panicking request, then End it with 500
// and panic again with the same value, so that the framework's recovery
// still runs:
//
//	defer func() {
//		if v := recover(); v != nil {
//			m.Panic(v)
//			m.End(http.StatusInternalServerError)
//			panic(v)
//		}
//	}()
//
// nil and http.ErrAbortHandler are not grouped.
func (m Measurement) Panic(v any) {
	if m.d == nil || v == nil {
		return
	}
	m.d.panicked(m.e, v)
}

// ServeEndpoint serves the request with next and records it under
// endpoint, the name of the route the router matched before running next
// ("" when none did, counted as [Unmatched]). It is [Dashboard.Wrap] for a
// router that names the route before the handler runs (gorilla/mux),
// called from the router's middleware; like Wrap it learns the status from
// the writer, records a panic as 500, groups it and lets it go on. Because
// the endpoint is known before next runs, requests of endpoints at levels
// 2 and 3 are watched for outliers and profiled.
func (d *Dashboard) ServeEndpoint(w http.ResponseWriter, r *http.Request, endpoint string, next http.Handler) {
	e := d.eps.get(endpoint)
	if d.mon.Watching() {
		d.serveWatched(next, nil, e, w, r)
		return
	}
	start := d.clock.Mono()
	rw, ww := d.wrapper.Wrap(w)
	ok := false
	defer func() {
		if !ok {
			d.recovered(rw, r, nil, start, e, outlier.Handle{}, recover())
		}
	}()
	next.ServeHTTP(ww, r)
	ok = true
	d.finishAs(rw, e, r, start, 0, outlier.Handle{})
}
