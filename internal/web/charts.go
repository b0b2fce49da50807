package web

import (
	"math"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/chart"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The pages' charts, drawn by internal/chart from rollups the database
// sums (store.SumRollups), so that a page reads a few thousand rows
// whatever the number of requests. The per-user and per-IP charts, which
// need raw rows, come from internal/query (callers.go).

const (
	heatmapDays = 30
	hourlyHours = 48
	topSeries   = 8 // series a daily chart shows before "other"
)

// dayGrid maps times to calendar days in the dashboard's zone.
type dayGrid struct {
	loc   *time.Location
	days  []time.Time // midnights, oldest first
	index map[[3]int]int
}

func newDayGrid(now time.Time, loc *time.Location, n int) dayGrid {
	g := dayGrid{loc: loc, index: map[[3]int]int{}}
	now = now.In(loc)
	for i := n - 1; i >= 0; i-- {
		d := time.Date(now.Year(), now.Month(), now.Day()-i, 0, 0, 0, 0, loc)
		g.index[[3]int{d.Year(), int(d.Month()), d.Day()}] = len(g.days)
		g.days = append(g.days, d)
	}
	return g
}

func (g dayGrid) since() time.Time { return g.days[0] }

// at returns the day and hour of the day of t, false outside the grid.
func (g dayGrid) at(t time.Time) (day, hour int, ok bool) {
	t = t.In(g.loc)
	day, ok = g.index[[3]int{t.Year(), int(t.Month()), t.Day()}]
	return day, t.Hour(), ok
}

func (g dayGrid) labels() []string {
	out := make([]string, len(g.days))
	for i, d := range g.days {
		out[i] = d.Format("Jan 2")
	}
	return out
}

// heatmapChart counts requests by hour of the day and day.
func (s *Server) heatmapChart(rus []store.Rollup, title string) Chart {
	g := newDayGrid(s.now(), s.loc(), heatmapDays)
	h := chart.Heatmap{Title: title, Columns: g.labels(), Rows: make([]string, 24), Values: make([][]float64, 24),
		Unit: "requests", ColumnName: "day", RowName: "hour"}
	for i := range h.Rows {
		h.Rows[i] = time.Date(2000, 1, 1, i, 0, 0, 0, time.UTC).Format("15:04")
		h.Values[i] = make([]float64, len(g.days))
	}
	for i := range rus {
		if day, hour, ok := g.at(rus[i].Hour); ok {
			h.Values[hour][day] += float64(rus[i].Count)
		}
	}
	return Chart{Title: title, SVG: h.SVG()}
}

// dailyChart stacks requests per day per endpoint, the busiest first.
func (s *Server) dailyChart(rus []store.Rollup) Chart {
	g := newDayGrid(s.now(), s.loc(), heatmapDays)
	per := map[string][]float64{}
	total := map[string]float64{}
	for i := range rus {
		ru := &rus[i]
		day, _, ok := g.at(ru.Hour)
		if !ok {
			continue
		}
		v := per[ru.Endpoint]
		if v == nil {
			v = make([]float64, len(g.days))
			per[ru.Endpoint] = v
		}
		v[day] += float64(ru.Count)
		total[ru.Endpoint] += float64(ru.Count)
	}
	names := make([]string, 0, len(per))
	for n := range per {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if total[names[i]] != total[names[j]] {
			return total[names[i]] > total[names[j]]
		}
		return names[i] < names[j]
	})
	c := Chart{Title: "Requests per day per endpoint"}
	b := chart.Bars{Title: c.Title, Labels: g.labels(), Stacked: true, Unit: "requests"}
	for i, n := range names {
		if i == topSeries && len(names) > topSeries+1 {
			other := make([]float64, len(g.days))
			for _, m := range names[i:] {
				for d, v := range per[m] {
					other[d] += v
				}
			}
			b.Series = append(b.Series, chart.Series{Name: "other endpoints", Color: "#9ca3af", Values: other})
			c.Note = "the " + itoa(topSeries) + " busiest endpoints; the other " + itoa(len(names)-topSeries) + " together"
			break
		}
		b.Series = append(b.Series, chart.Series{Name: n, Values: per[n]})
	}
	c.SVG = b.SVG()
	return c
}

// hourlyChart shows an endpoint's requests per hour (bars) and the
// minimum, average and maximum duration of each hour (lines) over the
// last two days.
func (s *Server) hourlyChart(rus []store.Rollup) Chart {
	last := store.HourOf(s.now())
	first := last.Add(-(hourlyHours - 1) * time.Hour)
	sums := make([]summary, hourlyHours)
	for i := range rus {
		if k := int(rus[i].Hour.Sub(first) / time.Hour); k >= 0 && k < hourlyHours {
			sums[k].add(&rus[i])
		}
	}
	labels := make([]string, hourlyHours)
	count := make([]float64, hourlyHours)
	lo, avg, hi := make([]float64, hourlyHours), make([]float64, hourlyHours), make([]float64, hourlyHours)
	for k := range sums {
		labels[k] = first.Add(time.Duration(k) * time.Hour).In(s.loc()).Format("Mon 15:04")
		count[k] = float64(sums[k].Hits)
		if sums[k].Hits == 0 {
			lo[k], avg[k], hi[k] = math.NaN(), math.NaN(), math.NaN()
			continue
		}
		lo[k], avg[k], hi[k] = millis(sums[k].Min), millis(sums[k].Mean()), millis(sums[k].Max)
	}
	title := "Per hour, last 48 hours"
	b := chart.Bars{Title: title, Labels: labels, Unit: "requests", LineUnit: "ms",
		Series: []chart.Series{{Name: "requests", Color: "#bfdbfe", Values: count}},
		Lines: []chart.Series{{Name: "max", Color: "#b24133", Values: hi}, {Name: "average", Color: "#226bc0", Values: avg},
			{Name: "min", Color: "#4ea249", Values: lo}}}
	return Chart{Title: title, SVG: b.SVG()}
}

// versionBoxes draws the durations of each version (of one endpoint, or
// of all) as box plots, oldest version on top, read from the histograms.
func (s *Server) versionBoxes(rows []versionRow, title string) Chart {
	p := chart.BoxPlot{Title: title, Unit: "ms", Log: true}
	for i := len(rows) - 1; i >= 0; i-- {
		v := rows[i]
		if v.Hits == 0 {
			continue
		}
		q := v.hist.Quantiles(v.Min, v.Max, 0.25, 0.5, 0.75)
		p.Boxes = append(p.Boxes, chart.Box{Label: v.Name, Note: "first seen " + v.FirstSeen.In(s.loc()).Format("2006-01-02"),
			Min: millis(v.Min), Q1: millis(q[0]), Median: millis(q[1]), Q3: millis(q[2]), Max: millis(v.Max), N: v.Hits})
	}
	return Chart{Title: title, SVG: p.SVG()}
}

// statusChart stacks an endpoint's responses per status class, per day
// (per hour for windows of two days or less).
func (s *Server) statusChart(rus []store.Rollup, w window) Chart {
	step := 24 * time.Hour
	since := w.since
	if since.IsZero() && len(rus) > 0 {
		since = rus[0].Hour
	}
	until := w.until
	if until.IsZero() {
		until = s.now()
	}
	if until.Sub(since) <= 48*time.Hour {
		step = time.Hour
	}
	key := func(t time.Time) time.Time {
		t = t.In(s.loc())
		if step == time.Hour {
			return t.Truncate(time.Hour)
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc())
	}
	classes := []string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"}
	colors := []string{"#9ca3af", "#7780e5", "#4ea249", "#0898cd", "#d16e21", "#b24133"}
	counts := make([]map[time.Time]float64, len(classes))
	var times []time.Time
	seen := map[time.Time]bool{}
	for i := range rus {
		k := key(rus[i].Hour)
		if !seen[k] {
			seen[k] = true
			times = append(times, k)
		}
		for c, n := range rus[i].Status {
			if n > 0 {
				if counts[c] == nil {
					counts[c] = map[time.Time]float64{}
				}
				counts[c][k] += float64(n)
			}
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	title := "Status codes per day"
	if step == time.Hour {
		title = "Status codes per hour"
	}
	l := chart.Lines{Title: title, Unit: "requests", Stacked: true, Loc: s.loc()}
	for c := range classes {
		if counts[c] == nil {
			continue
		}
		ts := chart.TimeSeries{Name: classes[c], Color: colors[c]}
		for _, t := range times {
			ts.Points = append(ts.Points, chart.Point{T: t, V: counts[c][t]})
		}
		l.Series = append(l.Series, ts)
	}
	return Chart{Title: title, SVG: l.SVG()}
}

// overviewCharts draws rus, every endpoint's requests per hour over the
// last 30 days.
func (s *Server) overviewCharts(rus []store.Rollup) []Chart {
	return []Chart{s.heatmapChart(rus, "Requests by hour of the day, last 30 days"), s.dailyChart(rus)}
}

// endpointCharts draws hours, the endpoint's requests per hour over the
// last 30 days, and statusHours, those of the page's time range.
func (s *Server) endpointCharts(hours, statusHours []store.Rollup, w window, versions []versionRow) []Chart {
	return []Chart{s.heatmapChart(hours, "Requests by hour of the day, last 30 days"), s.hourlyChart(hours),
		s.versionBoxes(versions, "Duration per version"), s.statusChart(statusHours, w)}
}

func (s *Server) versionsCharts(versions []versionRow) []Chart {
	return []Chart{s.versionBoxes(versions, "Duration per version, all endpoints")}
}

func itoa(n int) string { return formatCount(int64(n)) }
