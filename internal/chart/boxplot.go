package chart

import "html/template"

// Box is one row of a BoxPlot: the five-number summary of a distribution.
type Box struct {
	Label, Note              string // Note is shown under the label, e.g. "first seen 2026-03-04 10:12"
	Color                    string // "" means Color(Label)
	Min, Q1, Median, Q3, Max float64
	N                        int64 // number of values summarized, shown at the right
}

// BoxPlot draws horizontal box plots, one row per box, on a shared axis.
type BoxPlot struct {
	Title string
	Boxes []Box
	Unit  string

	// Log draws the axis on a logarithmic scale, for durations spread over
	// several orders of magnitude. Values at or below zero are drawn at the
	// axis start.
	Log bool
}

// SVG renders the box plot.
func (c BoxPlot) SVG() template.HTML { return noData("boxplot", c.Title) }
