package query

import (
	"context"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// OverviewPage is the data of the overview page.
type OverviewPage struct {
	Endpoints []EndpointSummary // sorted by name
	// Heatmap counts every request by hour of the day over the last
	// HeatmapDays days.
	Heatmap Heatmap
	// Daily counts requests per day and endpoint over the same days: one
	// series per endpoint with requests in them, for stacked bars.
	Daily Daily
	// Window is the period of the summaries' Hits, Errors and percentiles.
	Window Window
}

// Daily is a number per day for each of several series.
type Daily struct {
	Days   []time.Time // midnight of each day, oldest first
	Labels []string    // "Mar 4"
	Series []Series    // one per endpoint, sorted by name
}

// EndpointSummary is one row of the overview's table (and of the
// api/endpoints list).
type EndpointSummary struct {
	Name          string
	Methods       []string
	Level         int
	FirstSeen     time.Time
	LastRequested time.Time // zero when never requested
	// Requests today, in the 7 days ending today (calendar days in the
	// scope's zone) and over all stored time.
	HitsToday, HitsWeek, HitsTotal int64
	// Over the overview's Window.
	Hits      int64
	Errors    int64   // status 500 and above
	ErrorRate float64 // Errors / Hits; 0 without requests
	MedianMs  float64
	P95Ms     float64
	AvgMs     float64
}

// Overview computes the overview page. Hits, errors and percentiles of the
// summaries cover w (the zero Window: all time); the heatmap and daily
// counts cover the last HeatmapDays days.
func Overview(ctx context.Context, sc Scope, w Window) (*OverviewPage, error) {
	eps, err := sc.Store.Endpoints(ctx, sc.Service)
	if err != nil {
		return nil, err
	}
	total, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, By: store.ByEndpoint, Hist: w.IsZero()})
	if err != nil {
		return nil, err
	}
	inWindow := total
	if !w.IsZero() {
		if inWindow, err = sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Since: w.Since, Until: w.Until,
			By: store.ByEndpoint, Hist: true}); err != nil {
			return nil, err
		}
	}
	g := newDayGrid(sc.now(), sc.loc(), HeatmapDays)
	hours, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Since: g.since(), Until: g.until(),
		By: store.ByEndpoint | store.ByHour})
	if err != nil {
		return nil, err
	}

	o := &OverviewPage{Heatmap: newHeatmap(g), Window: w,
		Daily: Daily{Days: g.days, Labels: g.labels()}}
	// Rollups may name an endpoint the list did not have yet (written
	// between the queries): it gets a row too.
	rows := map[string]int{}
	row := func(name string) *EndpointSummary {
		i, ok := rows[name]
		if !ok {
			i = len(o.Endpoints)
			rows[name] = i
			o.Endpoints = append(o.Endpoints, EndpointSummary{Name: name})
		}
		return &o.Endpoints[i]
	}
	for _, e := range eps {
		r := row(e.Name)
		r.Methods, r.Level, r.FirstSeen, r.LastRequested = e.Methods, e.Level, e.FirstSeen, e.LastRequested
	}
	for i := range total {
		row(total[i].Endpoint).HitsTotal = total[i].Count
	}
	for i := range inWindow {
		ru := &inWindow[i]
		r := row(ru.Endpoint)
		b := boxOf(ru.Endpoint, ru)
		r.Hits, r.Errors, r.MedianMs, r.P95Ms, r.AvgMs = ru.Count, ru.Errors, b.MedianMs, b.P95Ms, b.AvgMs
		if ru.Count > 0 {
			r.ErrorRate = float64(ru.Errors) / float64(ru.Count)
		}
	}
	today, weekStart := len(g.days)-1, len(g.days)-7
	daily := map[string][]float64{}
	for i := range hours {
		ru := &hours[i]
		o.Heatmap.add(g, ru)
		day, _, ok := g.at(ru.Hour)
		if !ok {
			continue
		}
		r := row(ru.Endpoint)
		if day == today {
			r.HitsToday += ru.Count
		}
		if day >= weekStart {
			r.HitsWeek += ru.Count
		}
		if daily[ru.Endpoint] == nil {
			daily[ru.Endpoint] = make([]float64, len(g.days))
		}
		daily[ru.Endpoint][day] += float64(ru.Count)
	}
	sort.Slice(o.Endpoints, func(i, j int) bool { return o.Endpoints[i].Name < o.Endpoints[j].Name })
	for _, e := range o.Endpoints {
		if v := daily[e.Name]; v != nil {
			o.Daily.Series = append(o.Daily.Series, Series{Name: e.Name, Values: v})
		}
	}
	return o, nil
}
