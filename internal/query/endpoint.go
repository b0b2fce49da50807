package query

import (
	"context"
	"fmt"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// HourlyHours is the number of hours the hourly chart shows.
const HourlyHours = 48

// Hourly is an endpoint's requests and durations per hour.
type Hourly struct {
	Hours  []time.Time // start of each hour, in the scope's zone, oldest first
	Labels []string    // "Mon 15:00"
	Count  []float64
	// Durations per hour in milliseconds: 0 where Count is 0.
	MinMs, AvgMs, MaxMs []float64
}

// EndpointHourly returns an endpoint's requests and minimum, average and
// maximum durations for each of the last HourlyHours hours, the current
// one included.
func EndpointHourly(ctx context.Context, sc Scope, endpoint string) (*Hourly, error) {
	loc := sc.loc()
	last := store.HourOf(sc.now())
	first := last.Add(-(HourlyHours - 1) * time.Hour)
	rus, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Endpoint: endpoint,
		Since: first, Until: last.Add(time.Hour), By: store.ByHour})
	if err != nil {
		return nil, err
	}
	h := &Hourly{
		Hours: make([]time.Time, HourlyHours), Labels: make([]string, HourlyHours), Count: make([]float64, HourlyHours),
		MinMs: make([]float64, HourlyHours), AvgMs: make([]float64, HourlyHours), MaxMs: make([]float64, HourlyHours),
	}
	for i := range h.Hours {
		h.Hours[i] = first.Add(time.Duration(i) * time.Hour).In(loc)
		h.Labels[i] = h.Hours[i].Format("Mon 15:04")
	}
	for i := range rus {
		ru := &rus[i]
		k := int(ru.Hour.Sub(first) / time.Hour)
		if k < 0 || k >= HourlyHours || ru.Count == 0 {
			continue
		}
		h.Count[k] = float64(ru.Count)
		h.MinMs[k], h.MaxMs[k] = ms(ru.Min), ms(ru.Max)
		h.AvgMs[k] = ms(ru.Sum) / float64(ru.Count)
	}
	return h, nil
}

// VersionBox is the distribution of an endpoint's durations in one version.
type VersionBox struct {
	Box       // Label is the version
	FirstSeen time.Time
	Errors    int64   // status 500 and above
	ErrorRate float64 // Errors / N
}

// VersionBoxes returns the distribution of an endpoint's durations ("" for
// every endpoint) per version within w, oldest version first. Versions
// without requests to the endpoint in w are left out.
func VersionBoxes(ctx context.Context, sc Scope, endpoint string, w Window) ([]VersionBox, error) {
	boxes, _, err := versionBoxes(ctx, sc, endpoint, w)
	return boxes, err
}

// versionBoxes returns VersionBoxes and the rollups they were read from,
// one per version.
func versionBoxes(ctx context.Context, sc Scope, endpoint string, w Window) ([]VersionBox, []store.Rollup, error) {
	vers, err := sc.Store.Versions(ctx, sc.Service)
	if err != nil {
		return nil, nil, err
	}
	rus, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Endpoint: endpoint,
		Since: w.Since, Until: w.Until, By: store.ByVersion, Hist: true})
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]*store.Rollup{}
	for i := range rus {
		byName[rus[i].Version] = &rus[i]
	}
	var out []VersionBox
	for _, v := range orderVersions(vers, rus) {
		if ru := byName[v.Name]; ru != nil {
			out = append(out, VersionBox{Box: boxOf(v.Name, ru), FirstSeen: v.FirstSeen.In(sc.loc()),
				Errors: ru.Errors, ErrorRate: rate(ru.Errors, ru.Count)})
		}
	}
	return out, rus, nil
}

// orderVersions returns the stored versions oldest first, followed by any
// version the rollups name that the list lacks.
func orderVersions(vers []store.Version, rus []store.Rollup) []store.Version {
	known := map[string]bool{}
	for _, v := range vers {
		known[v.Name] = true
	}
	out := vers
	for _, ru := range rus {
		if !known[ru.Version] {
			known[ru.Version] = true
			out = append(out, store.Version{Name: ru.Version})
		}
	}
	return out
}

// StatusCodes counts an endpoint's responses by status class over time.
type StatusCodes struct {
	// Step is the width of a point: an hour, or a calendar day for
	// windows longer than StatusHourlyMax.
	Step time.Duration
	// UTCDays says the days are UTC days, not the scope's: windows longer
	// than StatusLocalDaysMax are counted from the daily rollups, which
	// hold UTC days, so that a long window never reads its hours.
	UTCDays bool

	Series []StatusSeries // classes with responses: 2xx, 3xx, 4xx, 5xx, 1xx, other
}

// StatusSeries is the number of responses of one class per step.
type StatusSeries struct {
	Class  string // "2xx", ..., "other"
	Total  int64
	Points []Point // one per step, from the start of the window
}

// StatusHourlyMax is the longest window whose status codes are counted per
// hour.
const StatusHourlyMax = 3 * 24 * time.Hour

// StatusLocalDaysMax is the longest window whose status codes are counted
// per calendar day of the scope's zone, from hours; longer ones count UTC
// days (the same in UTC).
const StatusLocalDaysMax = 35 * 24 * time.Hour

var classOrder = []int{2, 3, 4, 5, 1, 0}

func className(c int) string {
	if c == 0 {
		return "other"
	}
	return fmt.Sprintf("%dxx", c)
}

// EndpointStatus counts an endpoint's responses by status class over w,
// per hour or per day. An open start is the first of the last HeatmapDays
// days; an open end is the end of the current hour, so that hours still to
// come are not drawn as hours without requests.
func EndpointStatus(ctx context.Context, sc Scope, endpoint string, w Window) (*StatusCodes, error) {
	loc := sc.loc()
	if w.Since.IsZero() {
		w.Since = LastDays(sc.now(), loc, HeatmapDays).Since
	}
	if w.Until.IsZero() {
		w.Until = store.HourOf(sc.now()).Add(time.Hour)
	}
	if !w.Until.After(w.Since) {
		return &StatusCodes{Step: time.Hour}, nil
	}
	// Whole steps: hours from the hour holding Since, or local days.
	var times []time.Time
	var slot func(time.Time) (int, bool)
	st := &StatusCodes{Step: time.Hour}
	by := store.ByHour
	if w.Until.Sub(w.Since) <= StatusHourlyMax {
		first := store.HourOf(w.Since)
		w.Since = first
		for t := first; t.Before(w.Until); t = t.Add(time.Hour) {
			times = append(times, t.In(loc))
		}
		slot = func(h time.Time) (int, bool) {
			k := int(h.Sub(first) / time.Hour)
			return k, k >= 0 && k < len(times)
		}
	} else {
		st.Step = 24 * time.Hour
		long := w.Until.Sub(w.Since) > StatusLocalDaysMax || loc == time.UTC
		g := dayGridFor(w, loc)
		w = Window{Since: g.since(), Until: g.until()}
		times = g.days
		slot = func(h time.Time) (int, bool) {
			day, _, ok := g.at(h)
			return day, ok
		}
		if long {
			// UTC days of the grid's dates, each put at its date: noon
			// UTC falls on the same date in every zone.
			by = store.ByDay
			st.UTCDays = loc != time.UTC
			first, last := g.days[0], g.days[len(g.days)-1]
			w = Window{Since: time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, time.UTC),
				Until: time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, time.UTC)}
			slot = func(d time.Time) (int, bool) {
				day, _, ok := g.at(d.Add(12 * time.Hour))
				return day, ok
			}
		}
	}
	rus, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Endpoint: endpoint,
		Since: w.Since, Until: w.Until, By: by})
	if err != nil {
		return nil, err
	}
	var counts [6][]float64
	var totals [6]int64
	for i := range rus {
		k, ok := slot(rus[i].Hour)
		if !ok {
			continue
		}
		for c, n := range rus[i].Status {
			if n == 0 {
				continue
			}
			if counts[c] == nil {
				counts[c] = make([]float64, len(times))
			}
			counts[c][k] += float64(n)
			totals[c] += n
		}
	}
	for _, c := range classOrder {
		if counts[c] == nil {
			continue
		}
		s := StatusSeries{Class: className(c), Total: totals[c], Points: make([]Point, len(times))}
		for i, t := range times {
			s.Points[i] = Point{T: t, V: counts[c][i]}
		}
		st.Series = append(st.Series, s)
	}
	return st, nil
}
