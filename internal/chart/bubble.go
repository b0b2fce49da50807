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

// SVG renders the bubble plot.
func (c BubblePlot) SVG() template.HTML {
	title := c.Title
	if title == "" {
		title = "Bubble plot"
	}
	maxS, seen := 0.0, false
	for _, b := range c.Bubbles {
		if finite(b.Size) {
			seen = true
			maxS = math.Max(maxS, b.Size)
		}
	}
	if !seen {
		return noData("bubble", c.Title)
	}
	xs, xi := labelIndex(c.XLabels, func(i int) string { return c.Bubbles[i].X }, len(c.Bubbles))
	ys, yi := labelIndex(c.YLabels, func(i int) string { return c.Bubbles[i].Y }, len(c.Bubbles))

	colors := seriesColors(xs, nil)
	const W = defaultWidth
	rowH := math.Max(14, math.Min(34, 640/float64(len(ys))))
	labelW := 0.0
	for _, y := range ys {
		labelW = math.Max(labelW, textWidth(y))
	}
	labelW = math.Min(labelW, 200)
	p := area{x0: labelW + 16, x1: W - 8}
	if c.Title != "" {
		p.y0 = 28
	}
	p.y0 += 24 // column labels
	colW := p.w() / float64(len(xs))
	if colW > 160 {
		// Few columns: keep them close enough to compare bubbles across.
		colW = 160
		p.x1 = p.x0 + colW*float64(len(xs))
	}
	p.y1 = p.y0 + rowH*float64(len(ys))
	rMax := math.Max(2, math.Min(colW, rowH)/2-1)
	radius := func(s float64) float64 {
		if !(s > 0) || !(maxS > 0) {
			return 2
		}
		return math.Max(2, rMax*math.Sqrt(s/maxS))
	}
	// A tall plot repeats the column labels under it.
	bottomLabels := p.y1-p.y0 > 400
	keyTop := p.y1 + 10
	if bottomLabels {
		keyTop += 20
	}
	keyH := 2*math.Max(rMax, 6) + 16
	H := keyTop + keyH

	cv := begin("bubble", title, W, H, 2048+len(c.Bubbles)*(110+len(c.SizeUnit))+(len(xs)+len(ys))*160)
	cv.heading(c.Title)

	// Grid: a line through every row and column, so a bubble is easy to
	// trace back to its labels.
	cv.s(`<g class="gmd-grid-lines" stroke="` + gridColor + `">`)
	for i := range ys {
		y := p.y0 + (float64(i)+0.5)*rowH
		cv.line("gmd-grid", p.x0, y, p.x1, y, "")
	}
	for j := range xs {
		x := p.x0 + (float64(j)+0.5)*colW
		cv.line("gmd-grid", x, p.y0, x, p.y1, "")
	}
	cv.s(`</g>`)

	cv.rowLabels(ys, len(ys), p.x0-8, p.y0, rowH, labelW)
	top := p
	top.y1 = p.y0 - 8
	cv.categoryLabels(xs, top, top.y1)
	if bottomLabels {
		cv.categoryLabels(xs, p, p.y1+18)
	}

	// Bubbles grouped by column, which sets their color once for all.
	byColumn := make([][]int, len(xs))
	for i, b := range c.Bubbles {
		if finite(b.Size) {
			byColumn[xi[b.X]] = append(byColumn[xi[b.X]], i)
		}
	}
	cv.s(`<g class="gmd-bubbles" fill-opacity="0.7" stroke-width="1">`)
	var hover []byte
	for j, col := range byColumn {
		if len(col) == 0 {
			continue
		}
		x := p.x0 + (float64(j)+0.5)*colW
		cv.s(`<g class="gmd-series"`)
		cv.a("data-series", xs[j])
		cv.a("fill", colors[j])
		cv.a("stroke", colors[j])
		cv.s(">")
		for _, i := range col {
			b := c.Bubbles[i]
			y := p.y0 + (float64(yi[b.Y])+0.5)*rowH
			hover = append(hover[:0], b.Y...)
			hover = append(hover, " × "...)
			hover = append(hover, b.X...)
			hover = append(hover, '\n')
			hover = appendExact(hover, b.Size, c.SizeUnit)
			if b.Count > 0 {
				hover = append(hover, " · n="...)
				hover = appendExact(hover, float64(b.Count), "")
			}
			if b.Note != "" {
				hover = append(hover, '\n')
				hover = append(hover, b.Note...)
			}
			cv.s(`<circle class="gmd-bubble"`)
			cv.f("cx", x)
			cv.f("cy", y)
			cv.f("r", radius(b.Size))
			cv.s(">")
			cv.title(string(hover))
			cv.s("</circle>")
		}
		cv.s(`</g>`)
	}
	cv.s(`</g>`)

	// Size key: three reference bubbles drawn to the same scale.
	if !(maxS > 0) {
		return cv.html()
	}
	cv.s(`<g class="gmd-legend gmd-size-key">`)
	x := p.x0
	cy := keyTop + keyH/2
	if c.SizeLabel != "" {
		l := fit(c.SizeLabel, 240)
		cv.tick(x, cy+4, "start", l)
		x += textWidth(l) + 12
	}
	last := math.Inf(1)
	for _, f := range [...]float64{1, 1.0 / 3, 1.0 / 10} {
		// Round values read better in a key than fractions of the maximum.
		v := niceFloor(maxS * f)
		if v >= last {
			continue
		}
		last = v
		r := radius(v)
		cv.s(`<circle class="gmd-key-bubble" fill="none" stroke="` + axisColor + `"`)
		cv.f("cx", x+r)
		cv.f("cy", cy)
		cv.f("r", r)
		cv.s("/>")
		l := Format(v, c.SizeUnit)
		cv.tick(x+2*r+6, cy+4, "start", l)
		x += 2*r + 6 + textWidth(l) + 20
	}
	cv.s(`</g>`)
	return cv.html()
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
