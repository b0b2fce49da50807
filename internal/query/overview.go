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
	// scope's zone) and over all stored time. Endpoints fills HitsTotal
	// only for the zero Window, and the day counts not at all.
	HitsToday, HitsWeek, HitsTotal int64
	// Over the overview's Window.
	Hits      int64
	Errors    int64   // status 500 and above
	ErrorRate float64 // Errors / Hits; 0 without requests
	// Percentiles are 0 when the summary was made without histograms
	// (Endpoints with durations false).
	MedianMs float64
	P95Ms    float64
	AvgMs    float64
}

// Overview computes the overview page. Hits, errors and percentiles of the
// summaries cover w (the zero Window: all time); the heatmap and daily
// counts cover the last HeatmapDays days.
func Overview(ctx context.Context, sc Scope, w Window) (*OverviewPage, error) {
	l, err := listEndpoints(ctx, sc, w, true)
	if err != nil {
		return nil, err
	}
	if !w.IsZero() {
		total, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, By: store.ByEndpoint})
		if err != nil {
			return nil, err
		}
		for i := range total {
			l.row(total[i].Endpoint).HitsTotal = total[i].Count
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
	today, weekStart := len(g.days)-1, len(g.days)-7
	daily := map[string][]float64{}
	for i := range hours {
		ru := &hours[i]
		o.Heatmap.add(g, ru)
		day, _, ok := g.at(ru.Hour)
		if !ok {
			continue
		}
		r := l.row(ru.Endpoint)
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
	o.Endpoints = l.sorted()
	for _, e := range o.Endpoints {
		if v := daily[e.Name]; v != nil {
			o.Daily.Series = append(o.Daily.Series, Series{Name: e.Name, Values: v})
		}
	}
	return o, nil
}

// Endpoints lists every endpoint of the service, sorted by name, with its
// requests and errors over w (the zero Window: all time, and HitsTotal
// too) and, with durations, its median, p95 and average read from the
// summed histograms. Without durations no histogram is read: a page that
// shows counts only is cheaper that way.
func Endpoints(ctx context.Context, sc Scope, w Window, durations bool) ([]EndpointSummary, error) {
	l, err := listEndpoints(ctx, sc, w, durations)
	if err != nil {
		return nil, err
	}
	return l.sorted(), nil
}

// endpointList is the rows of the endpoints of a service by name.
type endpointList struct {
	rows  []EndpointSummary
	index map[string]int
}

// row returns the row of name, adding it when missing: rollups may name an
// endpoint the stored list did not have yet (written between the queries).
func (l *endpointList) row(name string) *EndpointSummary {
	i, ok := l.index[name]
	if !ok {
		i = len(l.rows)
		l.index[name] = i
		l.rows = append(l.rows, EndpointSummary{Name: name})
	}
	return &l.rows[i]
}

func (l *endpointList) sorted() []EndpointSummary {
	sort.Slice(l.rows, func(i, j int) bool { return l.rows[i].Name < l.rows[j].Name })
	return l.rows
}

// listEndpoints reads the stored endpoints and their figures over w.
func listEndpoints(ctx context.Context, sc Scope, w Window, durations bool) (*endpointList, error) {
	eps, err := sc.Store.Endpoints(ctx, sc.Service)
	if err != nil {
		return nil, err
	}
	rus, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Since: w.Since, Until: w.Until,
		By: store.ByEndpoint, Hist: durations})
	if err != nil {
		return nil, err
	}
	l := &endpointList{index: make(map[string]int, len(eps))}
	for _, e := range eps {
		r := l.row(e.Name)
		r.Methods, r.Level, r.FirstSeen, r.LastRequested = e.Methods, e.Level, e.FirstSeen, e.LastRequested
	}
	for i := range rus {
		ru := &rus[i]
		r := l.row(ru.Endpoint)
		r.Hits, r.Errors = ru.Count, ru.Errors
		if w.IsZero() {
			r.HitsTotal = ru.Count
		}
		r.ErrorRate = rate(ru.Errors, ru.Count)
		b := boxOf(ru.Endpoint, ru) // without histograms: no percentiles
		r.MedianMs, r.P95Ms, r.AvgMs = b.MedianMs, b.P95Ms, b.AvgMs
	}
	return l, nil
}
