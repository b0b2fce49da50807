package query

import (
	"context"
	"fmt"
	"sync"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// EndpointPage is the data of one endpoint's page.
type EndpointPage struct {
	Endpoint store.Endpoint
	Heatmap  Heatmap      // last HeatmapDays days
	Hourly   Hourly       // last HourlyHours hours
	Versions []VersionBox // within the window
	Callers  Callers      // within the window, newest rows
	Status   StatusCodes  // within the window (default: last HeatmapDays days)
}

// Endpoint computes everything an endpoint's page shows. The window
// applies to the per-version, per-caller and status figures; the heatmap
// and hourly chart have fixed periods. It returns an error wrapping
// store.ErrNotFound when the service has no such endpoint.
//
// The parts are read concurrently: on SQLite each runs on its own read
// connection.
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
	var wg sync.WaitGroup
	errs := make([]error, 5)
	run := func(i int, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f()
		}()
	}
	run(0, func() error {
		h, err := EndpointHeatmap(ctx, sc, name)
		if err == nil {
			p.Heatmap = *h
		}
		return err
	})
	run(1, func() error {
		h, err := EndpointHourly(ctx, sc, name)
		if err == nil {
			p.Hourly = *h
		}
		return err
	})
	run(2, func() error {
		var err error
		p.Versions, err = VersionBoxes(ctx, sc, name, w)
		return err
	})
	run(3, func() error {
		c, err := EndpointCallers(ctx, sc, name, w, o)
		if err == nil {
			p.Callers = *c
		}
		return err
	})
	run(4, func() error {
		s, err := EndpointStatus(ctx, sc, name, w)
		if err == nil {
			p.Status = *s
		}
		return err
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}
