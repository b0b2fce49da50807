package chart

import "html/template"

// Bubble is one cell of a BubblePlot.
type Bubble struct {
	X, Y  string  // a column and a row label
	Size  float64 // bubble area is proportional to it
	Count int64   // shown in the hover title (number of requests)
	Note  string  // added to the hover title
}

// BubblePlot places bubbles on a grid of rows and columns, such as user
// (rows) by version (columns), with bubble area proportional to Size (the
// average duration). Bubbles are colored by column (Color of X).
type BubblePlot struct {
	Title            string
	XLabels, YLabels []string // columns and rows in order; labels only named by a bubble are added after them
	Bubbles          []Bubble
	SizeUnit         string
}

// SVG renders the bubble plot.
func (c BubblePlot) SVG() template.HTML { return noData("bubble", c.Title) }
