package web

import (
	"fmt"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/chart"
	"github.com/go-monitoring-dashboard/dashboard/internal/query"
)

// callerCharts draws who called an endpoint: per user (Config.GroupBy)
// and per client IP, box plots of durations and a bubble plot of the
// average duration per version. With many users or IPs, query picks the
// busiest and the slowest, and the note says so. The notes also say which
// figures are exact and which are estimates, and by how much.
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
			note = fmt.Sprintf("the %d busiest and the %d slowest of %d %ss (highest p95 among those with %d requests or more); %d %ss with %s requests left out; ",
				part.b.Busiest, part.b.Slowest, part.b.Total, part.who, query.SlowMinRequests, part.b.Omitted, part.who, formatCount(part.b.OmittedRequests))
		}
		note += "exact counts and durations, percentiles within 2%, " + s.daysCovered(c)
		if !part.b.Exact() {
			note += fmt.Sprintf("; beyond the first %d %ss of a day, see the estimates below", part.b.Slots, part.who)
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

// estimateTable lists the busiest users (or IPs) beyond GROUP_LIMIT, whose
// counts are bounded estimates.
type estimateTable struct {
	Title string
	Note  string
	Rows  []query.CallerEstimate
}

func (s *Server) estimateTables(c *query.Callers) []estimateTable {
	var out []estimateTable
	for _, part := range []struct {
		who, plural string
		b           query.Breakdown
	}{{"user", "users", c.Users}, {"IP", "IPs", c.IPs}} {
		if part.b.Exact() {
			continue
		}
		out = append(out, estimateTable{
			Title: fmt.Sprintf("Busiest %s beyond the first %d of a day (estimates)", part.plural, part.b.Slots),
			Note:  part.b.EstimateNote(part.plural) + " " + s.daysCovered(c),
			Rows:  part.b.Estimates,
		})
	}
	return out
}

// daysCovered says which days the per-user and per-IP figures cover:
// whole UTC days.
func (s *Server) daysCovered(c *query.Callers) string {
	switch {
	case c.From.IsZero() && c.To.IsZero():
		return "all time (whole UTC days)"
	case c.To.IsZero():
		return "whole UTC days from " + c.From.Format("Jan 2")
	case c.From.IsZero():
		return "whole UTC days to " + c.To.Add(-time.Hour).Format("Jan 2")
	}
	return "whole UTC days " + c.From.Format("Jan 2") + " to " + c.To.Add(-time.Hour).Format("Jan 2")
}
