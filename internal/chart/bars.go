package chart

import "html/template"

// Series is one named row of values over a chart's labels.
type Series struct {
	Name   string
	Color  string    // "" means Color(Name)
	Values []float64 // one per label; NaN or a missing entry = no value
}

// Bars draws vertical bars over categories (hours, days), side by side or
// stacked, with optional line series drawn over them; the lines use a
// right-hand axis when LineUnit is set.
type Bars struct {
	Title    string
	Labels   []string // categories, left to right
	Series   []Series
	Stacked  bool
	Lines    []Series
	Unit     string // left axis (bars)
	LineUnit string // right axis (lines); "" shares the left axis
}

// SVG renders the bar chart.
func (c Bars) SVG() template.HTML { return noData("bars", c.Title) }
