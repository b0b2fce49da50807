package query

import (
	"context"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// InstanceSummary is one instance of a service: when it wrote, and its
// requests.
type InstanceSummary struct {
	Name      string
	FirstSeen time.Time
	// LastSeen is the start of the latest request it wrote; zero when it
	// wrote none.
	LastSeen time.Time
	// Requests and 5xx answers in the window, from the hourly rollups.
	Hits, Errors int64
}

// ServiceSummary is a service and its instances.
type ServiceSummary struct {
	Name      string
	Instances []InstanceSummary // sorted by name
}

// Services lists every service of the database, sorted by name, with its
// instances and their requests in w (the zero Window: all time). The
// scope's Service is ignored.
func Services(ctx context.Context, sc Scope, w Window) ([]ServiceSummary, error) {
	names, err := sc.Store.Services(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ServiceSummary, 0, len(names))
	for _, n := range names {
		sc.Service = n
		ins, err := Instances(ctx, sc, w)
		if err != nil {
			return nil, err
		}
		out = append(out, ServiceSummary{Name: n, Instances: ins})
	}
	return out, nil
}

// Instances lists the instances of the scope's service, sorted by name,
// with their requests in w (the zero Window: all time): one query for the
// instances, one for their sums.
func Instances(ctx context.Context, sc Scope, w Window) ([]InstanceSummary, error) {
	ins, err := sc.Store.Instances(ctx, sc.Service)
	if err != nil {
		return nil, err
	}
	sums, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Since: w.Since, Until: w.Until, By: store.ByInstance})
	if err != nil {
		return nil, err
	}
	byName := make(map[string]*store.Rollup, len(sums))
	for i := range sums {
		byName[sums[i].Instance] = &sums[i]
	}
	out := make([]InstanceSummary, 0, len(ins))
	for _, in := range ins {
		s := InstanceSummary{Name: in.Name, FirstSeen: in.FirstSeen.In(sc.loc()), LastSeen: in.LastSeen}
		if !s.LastSeen.IsZero() {
			s.LastSeen = s.LastSeen.In(sc.loc())
		}
		if ru := byName[in.Name]; ru != nil {
			s.Hits, s.Errors = ru.Count, ru.Errors
		}
		out = append(out, s)
	}
	return out, nil
}

// InstanceBox is an endpoint's requests on one instance.
type InstanceBox struct {
	Box          // Label is the instance
	Errors int64 // 5xx answers
}

// EndpointInstances breaks an endpoint's requests in w down by instance:
// count, errors, and durations (percentiles from the histograms), sorted
// by instance. Instances without requests to it in w are left out.
func EndpointInstances(ctx context.Context, sc Scope, endpoint string, w Window) ([]InstanceBox, error) {
	rus, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Endpoint: endpoint,
		Since: w.Since, Until: w.Until, By: store.ByInstance, Hist: true})
	if err != nil {
		return nil, err
	}
	out := make([]InstanceBox, 0, len(rus))
	for i := range rus {
		out = append(out, InstanceBox{Box: boxOf(rus[i].Instance, &rus[i]), Errors: rus[i].Errors})
	}
	return out, nil
}
