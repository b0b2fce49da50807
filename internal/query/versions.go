package query

import (
	"context"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// VersionsPage is the data of the versions page.
type VersionsPage struct {
	// Versions lists every stored version, oldest first, with its
	// requests over the window (every endpoint together).
	Versions []VersionSummary
	// Endpoints compares, for each endpoint, every version with requests
	// to it against the version before it that had some.
	Endpoints []EndpointVersions // sorted by endpoint
}

// VersionSummary is a version and its requests.
type VersionSummary struct {
	Name      string
	FirstSeen time.Time
	Hits      int64
	Errors    int64
	ErrorRate float64 // Errors / Hits; 0 without requests
	MedianMs  float64
	P95Ms     float64
	AvgMs     float64
	// Box is the distribution of the version's durations, for box plots
	// (Label is the version; zero without requests).
	Box Box
}

// EndpointVersions is one endpoint's figures per version.
type EndpointVersions struct {
	Endpoint string
	Versions []VersionChange // oldest first
}

// VersionChange is an endpoint's figures in one version and their change
// against the previous version with requests to the endpoint.
type VersionChange struct {
	Version   string
	FirstSeen time.Time
	Hits      int64
	MedianMs  float64
	P95Ms     float64
	// Previous is the version compared with ("" for the first one), and
	// the changes are relative: 0.25 means 25% slower, -0.5 twice as fast.
	Previous                string
	MedianChange, P95Change float64
}

// Versions computes the versions page over w (the zero Window: all time).
func Versions(ctx context.Context, sc Scope, w Window) (*VersionsPage, error) {
	vers, err := sc.Store.Versions(ctx, sc.Service)
	if err != nil {
		return nil, err
	}
	// One query for both tables: per endpoint and version, merged per
	// version here.
	rus, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Since: w.Since, Until: w.Until,
		By: store.ByEndpoint | store.ByVersion, Hist: true})
	if err != nil {
		return nil, err
	}
	loc := sc.loc()
	perVersion := map[string]*store.Rollup{}
	perEndpoint := map[string]map[string]*store.Rollup{}
	for i := range rus {
		ru := &rus[i]
		m := perEndpoint[ru.Endpoint]
		if m == nil {
			m = map[string]*store.Rollup{}
			perEndpoint[ru.Endpoint] = m
		}
		m[ru.Version] = ru
		t := perVersion[ru.Version]
		if t == nil {
			t = &store.Rollup{Version: ru.Version}
			perVersion[ru.Version] = t
		}
		addRollup(t, ru)
	}
	order := orderVersions(vers, rus)
	page := &VersionsPage{}
	for _, v := range order {
		s := VersionSummary{Name: v.Name, FirstSeen: v.FirstSeen.In(loc)}
		if ru := perVersion[v.Name]; ru != nil {
			b := boxOf(v.Name, ru)
			s.Hits, s.Errors, s.MedianMs, s.P95Ms, s.AvgMs, s.Box = ru.Count, ru.Errors, b.MedianMs, b.P95Ms, b.AvgMs, b
			s.ErrorRate = rate(ru.Errors, ru.Count)
		}
		page.Versions = append(page.Versions, s)
	}
	names := make([]string, 0, len(perEndpoint))
	for name := range perEndpoint {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ev := EndpointVersions{Endpoint: name}
		for _, v := range order {
			ru := perEndpoint[name][v.Name]
			if ru == nil {
				continue
			}
			b := boxOf(v.Name, ru)
			c := VersionChange{Version: v.Name, FirstSeen: v.FirstSeen.In(loc), Hits: ru.Count, MedianMs: b.MedianMs, P95Ms: b.P95Ms}
			if n := len(ev.Versions); n > 0 {
				prev := &ev.Versions[n-1]
				c.Previous = prev.Version
				c.MedianChange = change(prev.MedianMs, c.MedianMs)
				c.P95Change = change(prev.P95Ms, c.P95Ms)
			}
			ev.Versions = append(ev.Versions, c)
		}
		page.Endpoints = append(page.Endpoints, ev)
	}
	return page, nil
}
