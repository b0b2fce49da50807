package ciweb

import (
	"html/template"

	"github.com/go-monitoring-dashboard/dashboard/internal/chart"
	"github.com/go-monitoring-dashboard/dashboard/internal/report"
)

// BoxCharts draws the pages' charts with the dashboard's chart package:
// one box per version, colored by version as on every page.
type BoxCharts struct{}

// Boxes draws a box plot, on a log axis when the values span more than
// two orders of magnitude.
func (BoxCharts) Boxes(title, unit string, boxes []report.VersionBox) template.HTML {
	c := chart.BoxPlot{Title: title, Unit: unit}
	lo, hi := 0.0, 0.0
	for i, b := range boxes {
		c.Boxes = append(c.Boxes, chart.Box{Label: b.Version, Min: b.Min, Q1: b.Q1, Median: b.Median, Q3: b.Q3, Max: b.Max, N: b.N})
		if i == 0 || b.Min < lo {
			lo = b.Min
		}
		hi = max(hi, b.Max)
	}
	c.Log = lo > 0 && hi/lo > 100
	return c.SVG()
}
