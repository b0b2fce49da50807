package chart

import (
	"html/template"
	"time"
)

// Point is one value at one time.
type Point struct {
	T time.Time
	V float64 // NaN = no value (a gap in the line)
}

// TimeSeries is one named line of a Lines chart.
type TimeSeries struct {
	Name   string
	Color  string // "" means Color(Name)
	Points []Point
}

// Lines draws time series, such as status codes over time or requests per
// day per endpoint. Stacked draws stacked areas instead of lines.
type Lines struct {
	Title   string
	Series  []TimeSeries
	Unit    string
	Stacked bool
	Loc     *time.Location // time zone of the tick labels; nil = UTC
}

// SVG renders the chart.
func (c Lines) SVG() template.HTML { return noData("lines", c.Title) }
