package chart

import (
	"html/template"
	"math"
)

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
	SizeLabel        string // what Size is, written before the size key: "average duration"
}

// labelIndex lists labels in order, then those only the bubbles name, and
// maps each to its position. A label given twice keeps its first place.
func labelIndex(given []string, fromBubbles func(int) string, n int) ([]string, map[string]int) {
	idx := make(map[string]int, len(given))
	var out []string
	add := func(s string) {
		if _, ok := idx[s]; !ok {
			idx[s] = len(out)
			out = append(out, s)
		}
	}
	for _, s := range given {
		add(s)
	}
	for i := 0; i < n; i++ {
		add(fromBubbles(i))
	}
	return out, idx
}

// bubbleLayout is a BubblePlot laid out: its rows and columns, the plot
// area and the bubble scale, all before any drawing.
type bubbleLayout struct {
	xs, ys       []string       // columns and rows in order
	xi, yi       map[string]int // position of each label
	colors       []string       // one per column
	labelW       float64        // room for the row labels
	p            area
	rowH, colW   float64
	maxS, rMax   float64 // largest size, and the radius it gets
	bottomLabels bool    // a tall plot repeats the column labels under it
	keyTop, keyH float64 // where the size key goes
	h            float64
}

// SVG renders the bubble plot.
func (c BubblePlot) SVG() template.HTML {
	l, ok := c.layout()
	if !ok {
		return noData("bubble", c.Title)
	}
	title := c.Title
	if title == "" {
		title = "Bubble plot"
	}
	cv := begin("bubble", title, defaultWidth, l.h, 2048+len(c.Bubbles)*(110+len(c.SizeUnit))+(len(l.xs)+len(l.ys))*160)
	cv.heading(c.Title)
	cv.bubbleGrid(&l)
	c.drawBubbles(&cv, &l)
	if l.maxS > 0 {
		c.drawSizeKey(&cv, &l)
	}
	return cv.html()
}

// layout places everything; false when no bubble has a finite size.
func (c BubblePlot) layout() (bubbleLayout, bool) {
	var l bubbleLayout
	seen := false
	for _, b := range c.Bubbles {
		if finite(b.Size) {
			seen = true
			l.maxS = math.Max(l.maxS, b.Size)
		}
	}
	if !seen {
		return l, false
	}
	l.xs, l.xi = labelIndex(c.XLabels, func(i int) string { return c.Bubbles[i].X }, len(c.Bubbles))
	l.ys, l.yi = labelIndex(c.YLabels, func(i int) string { return c.Bubbles[i].Y }, len(c.Bubbles))
	l.colors = seriesColors(l.xs, nil)

	const W = defaultWidth
	l.rowH = math.Max(14, math.Min(34, 640/float64(len(l.ys))))
	for _, y := range l.ys {
		l.labelW = math.Max(l.labelW, textWidth(y))
	}
	l.labelW = math.Min(l.labelW, 200)
	l.p = area{x0: l.labelW + 16, x1: W - 8}
	if c.Title != "" {
		l.p.y0 = 28
	}
	l.p.y0 += 24 // column labels
	l.colW = l.p.w() / float64(len(l.xs))
	if l.colW > 160 {
		// Few columns: keep them close enough to compare bubbles across.
		l.colW = 160
		l.p.x1 = l.p.x0 + l.colW*float64(len(l.xs))
	}
	l.p.y1 = l.p.y0 + l.rowH*float64(len(l.ys))
	l.rMax = math.Max(2, math.Min(l.colW, l.rowH)/2-1)
	l.bottomLabels = l.p.y1-l.p.y0 > 400
	l.keyTop = l.p.y1 + 10
	if l.bottomLabels {
		l.keyTop += 20
	}
	l.keyH = 2*math.Max(l.rMax, 6) + 16
	l.h = l.keyTop + l.keyH
	return l, true
}

// radius gives a bubble's area in proportion to its size.
func (l *bubbleLayout) radius(s float64) float64 {
	if !(s > 0) || !(l.maxS > 0) {
		return 2
	}
	return math.Max(2, l.rMax*math.Sqrt(s/l.maxS))
}

// cx and cy are the centers of column j and row i.
func (l *bubbleLayout) cx(j int) float64 { return l.p.x0 + (float64(j)+0.5)*l.colW }
func (l *bubbleLayout) cy(i int) float64 { return l.p.y0 + (float64(i)+0.5)*l.rowH }

// bubbleGrid draws a line through every row and column, so that a bubble
// is easy to trace back to its labels, and the labels.
func (c *canvas) bubbleGrid(l *bubbleLayout) {
	c.s(`<g class="gmd-grid-lines" stroke="` + gridColor + `">`)
	for i := range l.ys {
		y := l.cy(i)
		c.line("gmd-grid", l.p.x0, y, l.p.x1, y, "")
	}
	for j := range l.xs {
		x := l.cx(j)
		c.line("gmd-grid", x, l.p.y0, x, l.p.y1, "")
	}
	c.s(`</g>`)

	c.rowLabels(l.ys, len(l.ys), l.p.x0-8, l.p.y0, l.rowH, l.labelW)
	top := l.p
	top.y1 = l.p.y0 - 8
	c.categoryLabels(l.xs, top, top.y1)
	if l.bottomLabels {
		c.categoryLabels(l.xs, l.p, l.p.y1+18)
	}
}

// drawBubbles draws the bubbles grouped by column, which sets their color
// once for all.
func (c BubblePlot) drawBubbles(cv *canvas, l *bubbleLayout) {
	byColumn := make([][]int, len(l.xs))
	for i, b := range c.Bubbles {
		if finite(b.Size) {
			byColumn[l.xi[b.X]] = append(byColumn[l.xi[b.X]], i)
		}
	}
	cv.s(`<g class="gmd-bubbles" fill-opacity="0.7" stroke-width="1">`)
	var hover []byte
	for j, col := range byColumn {
		if len(col) == 0 {
			continue
		}
		cv.s(`<g class="gmd-series"`)
		cv.a("data-series", l.xs[j])
		cv.a("fill", l.colors[j])
		cv.a("stroke", l.colors[j])
		cv.s(">")
		for _, i := range col {
			b := c.Bubbles[i]
			hover = appendBubbleHover(hover[:0], b, c.SizeUnit)
			cv.s(`<circle class="gmd-bubble"`)
			cv.f("cx", l.cx(j))
			cv.f("cy", l.cy(l.yi[b.Y]))
			cv.f("r", l.radius(b.Size))
			cv.s(">")
			cv.title(string(hover))
			cv.s("</circle>")
		}
		cv.s(`</g>`)
	}
	cv.s(`</g>`)
}

// appendBubbleHover appends a bubble's hover title: its row and column, the
// exact size, the count and the note.
func appendBubbleHover(h []byte, b Bubble, unit string) []byte {
	h = append(h, b.Y...)
	h = append(h, " × "...)
	h = append(h, b.X...)
	h = append(h, '\n')
	h = appendExact(h, b.Size, unit)
	if b.Count > 0 {
		h = append(h, " · n="...)
		h = appendExact(h, float64(b.Count), "")
	}
	if b.Note != "" {
		h = append(h, '\n')
		h = append(h, b.Note...)
	}
	return h
}

// drawSizeKey draws three reference bubbles to the same scale, at round
// values, which read better in a key than fractions of the maximum.
func (c BubblePlot) drawSizeKey(cv *canvas, l *bubbleLayout) {
	cv.s(`<g class="gmd-legend gmd-size-key">`)
	x := l.p.x0
	cy := l.keyTop + l.keyH/2
	if c.SizeLabel != "" {
		s := fit(c.SizeLabel, 240)
		cv.tick(x, cy+4, "start", s)
		x += textWidth(s) + 12
	}
	last := math.Inf(1)
	for _, f := range [...]float64{1, 1.0 / 3, 1.0 / 10} {
		v := niceFloor(l.maxS * f)
		if v >= last {
			continue
		}
		last = v
		r := l.radius(v)
		cv.s(`<circle class="gmd-key-bubble" fill="none" stroke="` + axisColor + `"`)
		cv.f("cx", x+r)
		cv.f("cy", cy)
		cv.f("r", r)
		cv.s("/>")
		s := Format(v, c.SizeUnit)
		cv.tick(x+2*r+6, cy+4, "start", s)
		x += 2*r + 6 + textWidth(s) + 20
	}
	cv.s(`</g>`)
}

// niceFloor returns the largest of 1, 2 or 5 times a power of ten that is
// at most v, or v itself when it is not positive.
func niceFloor(v float64) float64 {
	if !(v > 0) || !finite(v) {
		return v
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range [...]float64{5, 2, 1} {
		if m*p <= v*(1+1e-9) {
			return m * p
		}
	}
	return p
}
