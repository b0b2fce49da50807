package dashboard

import (
	"net/http"
	"time"
)

// Measurement is one request being measured for a router adapter whose
// framework writes the response through its own type and keeps the
// status itself (gin, echo). Begin starts it once the router has matched
// the request, End finishes it. It is a value: keeping one costs no
// allocation.
type Measurement struct {
	d     *Dashboard
	e     *endpoint
	r     *http.Request
	start time.Duration
}

// Begin starts measuring request r of endpoint, the name of the route the
// router matched ("" when none did, counted as Unmatched), before the
// handler runs. Call End when the handler has returned, or when it
// panicked (with status 500).
//
// Naming the endpoint before the handler runs is what lets monitoring
// levels above 1 watch the request while it runs; routers that match
// before their middleware (gin, echo) call Begin from a middleware.
// Routers that serve through net/http handlers use ServeEndpoint or Wrap
// instead, which learn the status from the writer.
func (d *Dashboard) Begin(r *http.Request, endpoint string) Measurement {
	return Measurement{d: d, e: d.eps.get(endpoint), r: r, start: d.clock.Mono()}
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
	m.d.add(m.e, m.r, status, m.start, dur)
}

// ServeEndpoint serves the request with next and records it under
// endpoint, the name of the route the router matched before running next
// ("" when none did, counted as Unmatched). It is Wrap for a router that
// names the route before the handler runs (gorilla/mux), called from the
// router's middleware; like Wrap it learns the status from the writer,
// records a panic as 500 and lets it go on.
func (d *Dashboard) ServeEndpoint(w http.ResponseWriter, r *http.Request, endpoint string, next http.Handler) {
	e := d.eps.get(endpoint)
	start := d.clock.Mono()
	rw, ww := d.wrapper.Wrap(w)
	ok := false
	defer func() {
		if !ok {
			d.finishAs(rw, e, r, start, http.StatusInternalServerError)
		}
	}()
	next.ServeHTTP(ww, r)
	ok = true
	d.finishAs(rw, e, r, start, 0)
}
