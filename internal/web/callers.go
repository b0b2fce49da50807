package web

import (
	"fmt"

	"github.com/go-monitoring-dashboard/dashboard/internal/chart"
	"github.com/go-monitoring-dashboard/dashboard/internal/query"
)

// callerCharts draws who called an endpoint: per user (Config.GroupBy)
// and per client IP, box plots of durations and a bubble plot of the
// average duration per version. With many users or IPs, query picks the
// busiest and the slowest, and the note says so.
func (s *Server) callerCharts(c *query.Callers) []Chart {
	var out []Chart
	for _, part := range []struct {
		who string
		b   query.Breakdown
	}{{"user", c.Users}, {"IP", c.IPs}} {
		if len(part.b.Boxes) == 0 {
			continue
		}
		note := ""
		if part.b.Omitted > 0 {
			note = fmt.Sprintf("the %d busiest and the %d slowest of %d %ss; %d %ss with %s requests left out",
				part.b.Busiest, part.b.Slowest, part.b.Total, part.who, part.b.Omitted, part.who, formatCount(part.b.OmittedRequests))
		}
		if c.Sample.Limited {
			if note != "" {
				note += "; "
			}
			note += fmt.Sprintf("from the newest %s of %s requests (since %s)", formatCount(c.Sample.Rows), formatCount(c.Sample.Total),
				s.formatTime(c.Sample.From))
		}
		p := chart.BoxPlot{Title: "Duration per " + part.who, Unit: "ms", Log: true}
		names := make([]string, 0, len(part.b.Boxes))
		for _, b := range part.b.Boxes {
			p.Boxes = append(p.Boxes, chart.Box{Label: b.Label, Min: b.MinMs, Q1: b.Q1Ms, Median: b.MedianMs, Q3: b.Q3Ms, Max: b.MaxMs, N: b.N})
			names = append(names, b.Label)
		}
		out = append(out, Chart{Title: p.Title, Note: note, SVG: p.SVG()})
		bp := chart.BubblePlot{Title: "Average duration per " + part.who + " and version", XLabels: part.b.Versions, YLabels: names,
			SizeUnit: "ms", SizeLabel: "average duration"}
		for _, b := range part.b.Bubbles {
			bp.Bubbles = append(bp.Bubbles, chart.Bubble{X: b.X, Y: b.Y, Size: b.AvgMs, Count: b.Count})
		}
		out = append(out, Chart{Title: bp.Title, Note: note, SVG: bp.SVG()})
	}
	return out
}
