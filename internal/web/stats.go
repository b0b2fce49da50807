package web

import (
	"context"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The figures of the tables: counts, error rates and percentiles, folded
// from rollups that the database sums (see sum), percentiles read from
// their histograms (within 2%).

// summary aggregates requests: counts, errors and a duration histogram.
type summary struct {
	Hits   int64
	Errors int64 // status >= 500
	Status [6]int64
	Sum    time.Duration
	Min    time.Duration
	Max    time.Duration
	hist   store.Histogram
}

func (s *summary) add(ru *store.Rollup) {
	if ru.Count == 0 {
		return
	}
	if s.Hits == 0 || ru.Min < s.Min {
		s.Min = ru.Min
	}
	s.Max = max(s.Max, ru.Max)
	s.Hits += ru.Count
	s.Errors += ru.Errors
	s.Sum += ru.Sum
	for i, n := range ru.Status {
		s.Status[i] += n
	}
	if s.hist == nil {
		s.hist = store.Histogram{}
	}
	s.hist.Merge(ru.Hist)
}

// Quantiles returns the median and 95th percentile (within 2%).
func (s summary) Quantiles() (median, p95 time.Duration) {
	q := s.hist.Quantiles(s.Min, s.Max, 0.5, 0.95)
	return q[0], q[1]
}

func (s summary) Median() time.Duration { m, _ := s.Quantiles(); return m }
func (s summary) P95() time.Duration    { _, p := s.Quantiles(); return p }

// Mean is the average duration.
func (s summary) Mean() time.Duration {
	if s.Hits == 0 {
		return 0
	}
	return s.Sum / time.Duration(s.Hits)
}

// ErrorRate is the fraction of requests that answered 5xx.
func (s summary) ErrorRate() float64 {
	if s.Hits == 0 {
		return 0
	}
	return float64(s.Errors) / float64(s.Hits)
}

// window selects hours: zero times are open ends.
type window struct{ since, until time.Time }

// sum reads the shown service's rollups summed in the database, grouped
// by the by columns, over the hours w selects (hour resolution: the hour
// holding since is in).
func (s *Server) sum(ctx context.Context, sv *shown, endpoint string, w window, by store.Dims, hist bool) ([]store.Rollup, error) {
	q := w.query()
	return s.store.SumRollups(ctx, store.SumFilter{Service: sv.Name, Endpoint: endpoint, Since: q.Since, Until: q.Until, By: by, Hist: hist})
}

// query is the window as the query package takes it: whole hours.
func (w window) query() query.Window {
	q := query.Window{Until: w.until}
	if !w.since.IsZero() {
		q.Since = store.HourOf(w.since)
	}
	return q
}

// recentHours sums an endpoint's requests (every endpoint's for "") per
// endpoint and hour over the last 30 days, without histograms: enough for
// today's and the week's counts, the heatmap and the hourly charts.
func (s *Server) recentHours(ctx context.Context, sv *shown, endpoint string) ([]store.Rollup, error) {
	g := newDayGrid(s.now(), s.loc(), heatmapDays)
	return s.sum(ctx, sv, endpoint, window{since: g.since()}, store.ByEndpoint|store.ByHour, false)
}

// fold sums rollups per key.
func fold(rus []store.Rollup, key func(*store.Rollup) string) map[string]*summary {
	out := map[string]*summary{}
	for i := range rus {
		k := key(&rus[i])
		sm := out[k]
		if sm == nil {
			sm = &summary{}
			out[k] = sm
		}
		sm.add(&rus[i])
	}
	return out
}

func byEndpoint(ru *store.Rollup) string { return ru.Endpoint }
func byVersion(ru *store.Rollup) string  { return ru.Version }

// endpointRow is one endpoint with its statistics, for the overview, the
// endpoints table and the API.
type endpointRow struct {
	store.Endpoint
	Level       int
	Today, Week int64 // requests since midnight (TIMEZONE), in the last 7 days
	summary           // over the selected window (all time by default)
}

// endpointRows lists every endpoint of the shown service with its figures
// over w; with recent, also today's and the last 7 days' requests.
func (s *Server) endpointRows(ctx context.Context, sv *shown, w window, recent bool) ([]endpointRow, error) {
	totals, err := s.sum(ctx, sv, "", w, store.ByEndpoint, true)
	if err != nil {
		return nil, err
	}
	var hours []store.Rollup
	if recent {
		if hours, err = s.recentHours(ctx, sv, ""); err != nil {
			return nil, err
		}
	}
	return s.endpointRowsFrom(ctx, sv, totals, hours)
}

// endpointRowsFrom lists every endpoint of the shown service: those
// stored, and, for the dashboard's own, those it knows but has not written
// yet. totals holds one summed rollup per endpoint; hours, when not nil,
// the recent hours that today's and the week's counts come from.
func (s *Server) endpointRowsFrom(ctx context.Context, sv *shown, totals, hours []store.Rollup) ([]endpointRow, error) {
	eps, err := s.store.Endpoints(ctx, sv.Name)
	if err != nil {
		return nil, err
	}
	sums := fold(totals, byEndpoint)
	var today, week map[string]int64
	if hours != nil {
		now := s.now().In(s.loc())
		midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc())
		weekStart := store.HourOf(now.Add(-7 * 24 * time.Hour))
		today, week = map[string]int64{}, map[string]int64{}
		for i := range hours {
			ru := &hours[i]
			if !ru.Hour.Before(weekStart) {
				week[ru.Endpoint] += ru.Count
			}
			// An hour counts as today when it starts at or after
			// midnight; in zones with half-hour offsets the first
			// half hour of the day counts towards yesterday.
			if !ru.Hour.Before(midnight) {
				today[ru.Endpoint] += ru.Count
			}
		}
	}
	seen := map[string]bool{}
	var out []endpointRow
	for _, e := range eps {
		seen[e.Name] = true
		out = append(out, s.row(sv, e, sums, today, week))
	}
	if sv.Own {
		for _, name := range s.opts.Endpoints() {
			if !seen[name] {
				out = append(out, s.row(sv, store.Endpoint{Service: sv.Name, Name: name}, sums, today, week))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (s *Server) row(sv *shown, e store.Endpoint, sums map[string]*summary, today, week map[string]int64) endpointRow {
	r := endpointRow{Endpoint: e, Level: e.Level, Today: today[e.Name], Week: week[e.Name]}
	if lv, ok := s.opts.Level(e.Name); ok && sv.Own {
		r.Level = lv // the running value is the effective one
	}
	if sm := sums[e.Name]; sm != nil {
		r.summary = *sm
	}
	return r
}
