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

// boxLayout is a BoxPlot laid out: the value axis, the rows and the room
// for the labels and counts, all before any drawing.
type boxLayout struct {
	ax         axis
	colors     []string
	labelW, nW float64 // room for the labels (left) and the counts (right)
	rowH       float64
	p          area
	h          float64
}

// SVG renders the box plot.
func (c BoxPlot) SVG() template.HTML {
	l, ok := c.layout()
	if !ok {
		return noData("boxplot", c.Title)
	}
	title := c.Title
	if title == "" {
		title = "Box plot"
	}
	cv := begin("boxplot", title, defaultWidth, l.h, 1024+len(c.Boxes)*700)
	cv.heading(c.Title)
	// Alternate rows are banded, under the grid, to guide the eye from a
	// label to its box.
	for i := 1; i < len(c.Boxes); i += 2 {
		cv.rect("gmd-band", 0, l.p.y0+float64(i)*l.rowH, defaultWidth, l.rowH, "#f9fafb", "")
	}
	cv.xValueAxis(l.ax, l.p)
	for i, b := range c.Boxes {
		mid := l.p.y0 + float64(i)*l.rowH + l.rowH/2
		cv.boxLabels(&l, b, mid)
		if v, ok := b.five(); ok {
			cv.box(&l, b, v, l.colors[i], mid, c.Unit)
		}
	}
	return cv.html()
}

// layout places everything; false when no box has a finite number.
func (c BoxPlot) layout() (boxLayout, bool) {
	var l boxLayout
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
		return l, false
	}
	if c.Log {
		if !finite(minPos) {
			minPos = 1
		}
		l.ax = logAxis(minPos, math.Max(hi, minPos), c.Unit)
	} else {
		l.ax = linearAxis(lo, hi, c.Unit, 8)
	}

	const W = defaultWidth
	l.rowH = 28
	if notes {
		l.rowH = 38
	}
	for _, b := range c.Boxes {
		l.labelW = math.Max(l.labelW, math.Max(textWidth(b.Label), textWidth(b.Note)*11/12))
		l.nW = math.Max(l.nW, textWidth(countLabel(b.N)))
	}
	l.labelW = math.Min(l.labelW, 220)
	names, given := make([]string, len(c.Boxes)), make([]string, len(c.Boxes))
	for i, b := range c.Boxes {
		names[i], given[i] = b.Label, b.Color
	}
	l.colors = seriesColors(names, given)
	l.p = area{x0: l.labelW + 16, x1: W - l.nW - 14}
	// Tick labels are centered on their ticks: leave room for the last half.
	l.p.x1 = math.Min(l.p.x1, W-textWidth(l.ax.labels[len(l.ax.labels)-1])/2-2)
	if c.Title != "" {
		l.p.y0 = 28
	}
	l.p.y0 += 4
	l.p.y1 = l.p.y0 + l.rowH*float64(len(c.Boxes))
	l.h = l.p.y1 + 24
	return l, true
}

// boxLabels writes a row's name, its note under it in a smaller type, and
// its count at the right.
func (c *canvas) boxLabels(l *boxLayout, b Box, mid float64) {
	ly := mid + 4
	if b.Note != "" {
		ly = mid - 2
	}
	c.s(`<text class="gmd-label" text-anchor="end"`)
	c.f("x", l.p.x0-10)
	c.f("y", ly)
	c.s(">")
	c.title(b.Label)
	c.esc(fit(b.Label, l.labelW))
	c.s("</text>")
	if b.Note != "" {
		c.s(`<text class="gmd-note" text-anchor="end" font-size="11" fill="` + tickColor + `"`)
		c.f("x", l.p.x0-10)
		c.f("y", mid+12)
		c.s(">")
		c.esc(fit(b.Note, l.labelW*12/11))
		c.s("</text>")
	}
	c.s(`<text class="gmd-count" fill="` + tickColor + `"`)
	c.f("x", defaultWidth-l.nW-4)
	c.f("y", mid+4)
	c.s(">")
	c.esc(countLabel(b.N))
	c.s("</text>")
}

// box draws one box centered on y = mid from its five numbers v: whiskers
// from min to Q1 and Q3 to max, the box from Q1 to Q3, the median across it.
func (c *canvas) box(l *boxLayout, b Box, v [5]float64, color string, mid float64, unit string) {
	x := func(k int) float64 { return l.ax.at(v[k], l.p.x0, l.p.x1) }
	bh := math.Min(16, l.rowH-12)
	c.s(`<g class="gmd-box"`)
	c.a("data-series", b.Label)
	c.a("stroke", color)
	c.s(">")
	c.title(boxHover(b, unit))
	c.line("gmd-whisker", x(0), mid, x(1), mid, "")
	c.line("gmd-whisker", x(3), mid, x(4), mid, "")
	c.line("gmd-whisker", x(0), mid-bh/4, x(0), mid+bh/4, "")
	c.line("gmd-whisker", x(4), mid-bh/4, x(4), mid+bh/4, "")
	c.s(`<rect class="gmd-iqr" fill-opacity="0.28" rx="2"`)
	c.f("x", x(1))
	c.f("y", mid-bh/2)
	c.f("width", math.Max(x(3)-x(1), 1))
	c.f("height", bh)
	c.a("fill", color)
	c.s("/>")
	c.s(`<line class="gmd-median" stroke-width="2.5"`)
	c.f("x1", x(2))
	c.f("y1", mid-bh/2)
	c.f("x2", x(2))
	c.f("y2", mid+bh/2)
	c.s("/>")
	c.s("</g>")
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
