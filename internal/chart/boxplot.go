package chart

import (
	"html/template"
	"math"
	"sort"
)

// Box is one row of a BoxPlot: the five-number summary of a distribution.
type Box struct {
	Label, Note              string // Note is shown under the label, e.g. "first seen 2026-03-04 10:12"
	Color                    string // "" means Color(Label), as for Series
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

// five returns the finite numbers of the summary in ascending order: input
// that is out of order (rounded estimates can cross) is still drawn as a box.
func (b Box) five() ([5]float64, bool) {
	v := [5]float64{b.Min, b.Q1, b.Median, b.Q3, b.Max}
	var ok []float64
	for _, x := range v {
		if finite(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return v, false
	}
	// Missing numbers take the median's place (or the nearest known one).
	if !finite(v[2]) {
		v[2] = ok[len(ok)/2]
	}
	for i := range v {
		if !finite(v[i]) {
			v[i] = v[2]
		}
	}
	s := v[:]
	sort.Float64s(s)
	return v, true
}

// SVG renders the box plot.
func (c BoxPlot) SVG() template.HTML {
	title := c.Title
	if title == "" {
		title = "Box plot"
	}
	lo, hi, minPos, seen := math.Inf(1), math.Inf(-1), math.Inf(1), false
	notes := false
	for _, b := range c.Boxes {
		v, ok := b.five()
		if !ok {
			continue
		}
		seen = true
		lo, hi = math.Min(lo, v[0]), math.Max(hi, v[4])
		for _, x := range v {
			if x > 0 {
				minPos = math.Min(minPos, x)
			}
		}
		notes = notes || b.Note != ""
	}
	if !seen {
		return noData("boxplot", c.Title)
	}
	var ax axis
	if c.Log {
		if !finite(minPos) {
			minPos = 1
		}
		ax = logAxis(minPos, math.Max(hi, minPos), c.Unit)
	} else {
		ax = linearAxis(lo, hi, c.Unit, 8)
	}

	const W = defaultWidth
	rowH := 28.0
	if notes {
		rowH = 38
	}
	labelW := 0.0
	for _, b := range c.Boxes {
		labelW = math.Max(labelW, math.Max(textWidth(b.Label), textWidth(b.Note)*11/12))
	}
	labelW = math.Min(labelW, 220)
	nW := 0.0
	for _, b := range c.Boxes {
		nW = math.Max(nW, textWidth(countLabel(b.N)))
	}
	names, given := make([]string, len(c.Boxes)), make([]string, len(c.Boxes))
	for i, b := range c.Boxes {
		names[i], given[i] = b.Label, b.Color
	}
	colors := seriesColors(names, given)
	p := area{x0: labelW + 16, x1: W - nW - 14}
	// Tick labels are centered on their ticks: leave room for the last half.
	p.x1 = math.Min(p.x1, W-textWidth(ax.labels[len(ax.labels)-1])/2-2)
	if c.Title != "" {
		p.y0 = 28
	}
	p.y0 += 4
	p.y1 = p.y0 + rowH*float64(len(c.Boxes))
	H := p.y1 + 24

	cv := begin("boxplot", title, W, H, 1024+len(c.Boxes)*700)
	cv.heading(c.Title)
	// Alternate rows are banded, under the grid, to guide the eye from a
	// label to its box.
	for i := 1; i < len(c.Boxes); i += 2 {
		cv.rect("gmd-band", 0, p.y0+float64(i)*rowH, W, rowH, "#f9fafb", "")
	}
	cv.xValueAxis(ax, p)
	for i, b := range c.Boxes {
		mid := p.y0 + float64(i)*rowH + rowH/2
		// Labels: the name, and the note under it in a smaller type.
		ly := mid + 4
		if b.Note != "" {
			ly = mid - 2
		}
		cv.s(`<text class="gmd-label" text-anchor="end"`)
		cv.f("x", p.x0-10)
		cv.f("y", ly)
		cv.s(">")
		cv.title(b.Label)
		cv.esc(fit(b.Label, labelW))
		cv.s("</text>")
		if b.Note != "" {
			cv.s(`<text class="gmd-note" text-anchor="end" font-size="11" fill="` + tickColor + `"`)
			cv.f("x", p.x0-10)
			cv.f("y", mid+12)
			cv.s(">")
			cv.esc(fit(b.Note, labelW*12/11))
			cv.s("</text>")
		}
		cv.s(`<text class="gmd-count" fill="` + tickColor + `"`)
		cv.f("x", W-nW-4)
		cv.f("y", mid+4)
		cv.s(">")
		cv.esc(countLabel(b.N))
		cv.s("</text>")

		v, ok := b.five()
		if !ok {
			continue
		}
		color := colors[i]
		x := func(k int) float64 { return ax.at(v[k], p.x0, p.x1) }
		bh := math.Min(16, rowH-12)
		cv.s(`<g class="gmd-box"`)
		cv.a("data-series", b.Label)
		cv.a("stroke", color)
		cv.s(">")
		cv.title(boxHover(b, c.Unit))
		cv.line("gmd-whisker", x(0), mid, x(1), mid, "")
		cv.line("gmd-whisker", x(3), mid, x(4), mid, "")
		cv.line("gmd-whisker", x(0), mid-bh/4, x(0), mid+bh/4, "")
		cv.line("gmd-whisker", x(4), mid-bh/4, x(4), mid+bh/4, "")
		cv.s(`<rect class="gmd-iqr" fill-opacity="0.28" rx="2"`)
		cv.f("x", x(1))
		cv.f("y", mid-bh/2)
		cv.f("width", math.Max(x(3)-x(1), 1))
		cv.f("height", bh)
		cv.a("fill", color)
		cv.s("/>")
		cv.s(`<line class="gmd-median" stroke-width="2.5"`)
		cv.f("x1", x(2))
		cv.f("y1", mid-bh/2)
		cv.f("x2", x(2))
		cv.f("y2", mid+bh/2)
		cv.s("/>")
		cv.s("</g>")
	}
	return cv.html()
}

func countLabel(n int64) string {
	if n <= 0 {
		return ""
	}
	return "n=" + Format(float64(n), "")
}

func boxHover(b Box, unit string) string {
	var h []byte
	h = append(h, b.Label...)
	if b.Note != "" {
		h = append(h, " · "...)
		h = append(h, b.Note...)
	}
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"\nmin ", b.Min}, {"\nQ1 ", b.Q1}, {"\nmedian ", b.Median}, {"\nQ3 ", b.Q3}, {"\nmax ", b.Max}} {
		h = append(h, f.name...)
		h = appendExact(h, f.v, unit)
	}
	if b.N > 0 {
		h = append(h, "\nn = "...)
		h = appendExact(h, float64(b.N), "")
	}
	return string(h)
}

// xValueAxis draws vertical grid lines at the ticks of a value axis that
// runs along x, with the tick labels under the plot.
func (c *canvas) xValueAxis(a axis, p area) {
	c.s(`<g class="gmd-axis gmd-axis-x">`)
	for i, t := range a.ticks {
		x := a.at(t, p.x0, p.x1)
		col, cls := gridColor, "gmd-grid"
		if t == 0 && !a.log {
			col, cls = axisColor, "gmd-grid gmd-zero"
		}
		c.line(cls, x, p.y0, x, p.y1, col)
		c.tick(x, p.y1+16, "middle", a.labels[i])
	}
	c.s(`</g>`)
}
