package web

import (
	"math"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/chart"
	"github.com/go-monitoring-dashboard/dashboard/internal/query"
)

// The pages' charts, drawn by internal/chart from internal/query's read
// models. Only presentation is decided here: titles, colors, and which
// series a crowded chart shows.

const topSeries = 8 // series a daily chart shows before "other"

// heatmapChart draws requests by hour of the day and day.
func heatmapChart(h *query.Heatmap, title string) Chart {
	c := chart.Heatmap{Title: title, Columns: h.Columns, Rows: h.Rows, Values: h.Values,
		Unit: "requests", ColumnName: "day", RowName: "hour"}
	return Chart{Title: title, SVG: c.SVG()}
}

// dailyChart stacks requests per day per endpoint, the busiest first.
func dailyChart(d *query.Daily) Chart {
	total := make(map[string]float64, len(d.Series))
	series := append([]query.Series(nil), d.Series...)
	for _, s := range series {
		for _, v := range s.Values {
			total[s.Name] += v
		}
	}
	sort.SliceStable(series, func(i, j int) bool { return total[series[i].Name] > total[series[j].Name] })
	c := Chart{Title: "Requests per day per endpoint"}
	b := chart.Bars{Title: c.Title, Labels: d.Labels, Stacked: true, Unit: "requests"}
	for i, s := range series {
		if i == topSeries && len(series) > topSeries+1 {
			other := make([]float64, len(d.Labels))
			for _, m := range series[i:] {
				for day, v := range m.Values {
					other[day] += v
				}
			}
			b.Series = append(b.Series, chart.Series{Name: "other endpoints", Color: "#9ca3af", Values: other})
			c.Note = "the " + itoa(topSeries) + " busiest endpoints; the other " + itoa(len(series)-topSeries) + " together"
			break
		}
		b.Series = append(b.Series, chart.Series{Name: s.Name, Values: s.Values})
	}
	c.SVG = b.SVG()
	return c
}

// hourlyChart shows an endpoint's requests per hour (bars) and the
// minimum, average and maximum duration of each hour (lines).
func hourlyChart(h *query.Hourly) Chart {
	n := len(h.Count)
	lo, avg, hi := make([]float64, n), make([]float64, n), make([]float64, n)
	for k := range h.Count {
		if h.Count[k] == 0 { // a gap in the lines, not a zero duration
			lo[k], avg[k], hi[k] = math.NaN(), math.NaN(), math.NaN()
			continue
		}
		lo[k], avg[k], hi[k] = h.MinMs[k], h.AvgMs[k], h.MaxMs[k]
	}
	title := "Per hour, last " + itoa(n) + " hours"
	b := chart.Bars{Title: title, Labels: h.Labels, Unit: "requests", LineUnit: "ms",
		Series: []chart.Series{{Name: "requests", Color: "#bfdbfe", Values: h.Count}},
		Lines: []chart.Series{{Name: "max", Color: "#b24133", Values: hi}, {Name: "average", Color: "#226bc0", Values: avg},
			{Name: "min", Color: "#4ea249", Values: lo}}}
	return Chart{Title: title, SVG: b.SVG()}
}

// versionBox is a version's distribution as the box plots show it.
type versionBox struct {
	query.Box
	FirstSeen time.Time
}

// versionBoxes draws the durations of each version (of one endpoint, or of
// all), oldest version on top; versions without requests are left out.
func (s *Server) versionBoxes(boxes []versionBox, title string) Chart {
	p := chart.BoxPlot{Title: title, Unit: "ms", Log: true}
	for _, b := range boxes {
		if b.N == 0 {
			continue
		}
		p.Boxes = append(p.Boxes, chart.Box{Label: b.Label, Note: "first seen " + b.FirstSeen.In(s.loc()).Format("2006-01-02"),
			Min: b.MinMs, Q1: b.Q1Ms, Median: b.MedianMs, Q3: b.Q3Ms, Max: b.MaxMs, N: b.N})
	}
	return Chart{Title: title, SVG: p.SVG()}
}

// The colors of the status classes.
var statusColors = map[string]string{"other": "#9ca3af", "1xx": "#7780e5", "2xx": "#4ea249", "3xx": "#0898cd",
	"4xx": "#d16e21", "5xx": "#b24133"}

// statusChart stacks an endpoint's responses per status class, per hour
// or per day as query chose for the window.
func (s *Server) statusChart(st *query.StatusCodes) Chart {
	title := "Status codes per day"
	if st.Step == time.Hour {
		title = "Status codes per hour"
	} else if st.UTCDays {
		title = "Status codes per day (UTC days)"
	}
	l := chart.Lines{Title: title, Unit: "requests", Stacked: true, Loc: s.loc()}
	for _, sr := range st.Series {
		ts := chart.TimeSeries{Name: sr.Class, Color: statusColors[sr.Class], Points: make([]chart.Point, len(sr.Points))}
		for i, p := range sr.Points {
			ts.Points[i] = chart.Point{T: p.T, V: p.V}
		}
		l.Series = append(l.Series, ts)
	}
	return Chart{Title: title, SVG: l.SVG()}
}

func itoa(n int) string { return formatCount(int64(n)) }
