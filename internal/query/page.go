package query

import (
	"context"
	"fmt"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// EndpointPage is the data of one endpoint's page.
type EndpointPage struct {
	Endpoint store.Endpoint
	Totals   Totals       // within the window
	Heatmap  Heatmap      // last HeatmapDays days
	Hourly   Hourly       // last HourlyHours hours
	Versions []VersionBox // within the window
	Callers  Callers      // within the window, newest rows
	// Status is within the window; an open start is the endpoint's first
	// request.
	Status StatusCodes
}

// Totals are an endpoint's requests in a window, all versions together.
type Totals struct {
	Box               // Label is the endpoint; N its requests
	Errors    int64   // status 500 and above
	ErrorRate float64 // Errors / N; 0 without requests
	// Status counts the responses by class: index 1 to 5 for 1xx to 5xx,
	// 0 for anything else.
	Status [6]int64
}

// Endpoint computes everything an endpoint's page shows. The window
// applies to the per-version, per-caller and status figures; the heatmap
// and hourly chart have fixed periods. It returns an error wrapping
// store.ErrNotFound when the service has no such endpoint.
func Endpoint(ctx context.Context, sc Scope, name string, w Window, o CallerOptions) (*EndpointPage, error) {
	sc.Now = sc.now() // one moment for every part
	eps, err := sc.Store.Endpoints(ctx, sc.Service)
	if err != nil {
		return nil, err
	}
	p := &EndpointPage{}
	found := false
	for _, e := range eps {
		if e.Name == store.Clip(name) {
			p.Endpoint, found = e, true
		}
	}
	if !found {
		return nil, fmt.Errorf("endpoint %q: %w", name, store.ErrNotFound)
	}
	name = p.Endpoint.Name
	// The parts are read one after another: in parallel they were not
	// faster on a loaded two-core machine, and a dashboard page should not
	// take every core from the service it watches.
	h, err := EndpointHeatmap(ctx, sc, name)
	if err != nil {
		return nil, err
	}
	p.Heatmap = *h
	hourly, err := EndpointHourly(ctx, sc, name)
	if err != nil {
		return nil, err
	}
	p.Hourly = *hourly
	var rus []store.Rollup
	if p.Versions, rus, err = versionBoxes(ctx, sc, name, w); err != nil {
		return nil, err
	}
	var all store.Rollup
	for i := range rus {
		addRollup(&all, &rus[i])
	}
	p.Totals = Totals{Box: boxOf(name, &all), Errors: all.Errors, ErrorRate: rate(all.Errors, all.Count), Status: all.Status}
	c, err := EndpointCallers(ctx, sc, name, w, o)
	if err != nil {
		return nil, err
	}
	p.Callers = *c
	// All time: status codes from the endpoint's first request on.
	sw := w
	if sw.Since.IsZero() && !p.Endpoint.FirstSeen.IsZero() {
		sw.Since = p.Endpoint.FirstSeen
	}
	st, err := EndpointStatus(ctx, sc, name, sw)
	if err != nil {
		return nil, err
	}
	p.Status = *st
	return p, nil
}
