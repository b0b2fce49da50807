package chart

import (
	"html/template"
	"math"
)

// Series is one named row of values over a chart's labels.
type Series struct {
	Name   string
	Color  string    // "" means Color(Name), or another palette color if a series before it in name order has that one
	Values []float64 // one per label; NaN or a missing entry = no value
}

func (s Series) at(i int) float64 {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return math.NaN()
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

const plotHeight = 280

// unitTitle is the axis title for a unit: count units name the axis, while
// durations, percentages and bytes carry their unit in every tick label.
func unitTitle(unit string) string {
	switch unit {
	case "ms", "s", "%", "B":
		return ""
	}
	return unit
}

// barsLayout is a Bars chart laid out: domains, axes, colors, the plot
// area and the width of the category bands, all before any drawing.
type barsLayout struct {
	n                  int // categories
	barsAny, linesAny  bool
	rightAxis          bool   // the lines have an axis of their own
	leftUnit, lineUnit string // units of the left axis and of the lines' hover
	left, right        axis
	colors             []string // bars' series, then lines'
	items              []legendItem
	p                  area
	legendY, h         float64
	band, group        float64 // width of a category, and of its bars together
	zero               float64 // y of the value 0 on the left axis
}

// SVG renders the bar chart.
func (c Bars) SVG() template.HTML {
	l, ok := c.layout()
	if !ok {
		return noData("bars", c.Title)
	}
	title := c.Title
	if title == "" {
		title = "Bar chart"
	}
	const W = defaultWidth
	cv := begin("bars", title, W, l.h, 1024+l.n*len(c.Series)*110+l.n*len(c.Lines)*120)
	cv.heading(c.Title)
	cv.legend(l.items, 0, l.legendY, W)
	cv.yAxis(l.left, l.p, false, true)
	if l.rightAxis {
		cv.yAxis(l.right, l.p, true, false)
	}
	hv := labelHover{labels: c.Labels}
	if l.barsAny {
		c.drawBars(&cv, &l, &hv)
	}
	if l.linesAny {
		c.drawLines(&cv, &l, &hv)
	}
	cv.categoryLabels(c.Labels, l.p, l.p.y1+18)
	cv.axisTitle(unitTitle(l.leftUnit), 10, (l.p.y0+l.p.y1)/2, l.p.h(), true)
	if l.rightAxis {
		cv.axisTitle(unitTitle(c.LineUnit), W-8, (l.p.y0+l.p.y1)/2, l.p.h(), true)
	}
	return cv.html()
}

// layout places everything; false when there is nothing to draw.
func (c Bars) layout() (barsLayout, bool) {
	var l barsLayout
	l.n = len(c.Labels)
	for _, s := range c.Series {
		l.n = max(l.n, len(s.Values))
	}
	for _, s := range c.Lines {
		l.n = max(l.n, len(s.Values))
	}
	bLo, bHi, barsAny := barDomain(c.Series, l.n, c.Stacked)
	lLo, lHi, linesAny := lineDomain(c.Lines, l.n)
	if l.n == 0 || !(barsAny || linesAny) {
		return l, false
	}
	l.barsAny, l.linesAny = barsAny, linesAny
	c.axes(&l, bLo, bHi, lLo, lHi)

	var names, given []string
	for _, s := range append(c.Series[:len(c.Series):len(c.Series)], c.Lines...) {
		names, given = append(names, s.Name), append(given, s.Color)
	}
	l.colors = seriesColors(names, given)
	l.items = make([]legendItem, len(names))
	for i, n := range names {
		l.items[i] = legendItem{n, l.colors[i], i >= len(c.Series)}
	}

	const W = defaultWidth
	l.p = area{x0: axisWidth(l.left), x1: W - 8}
	if unitTitle(l.leftUnit) != "" {
		l.p.x0 += 18
	}
	if l.rightAxis {
		l.p.x1 = W - axisWidth(l.right)
		if unitTitle(c.LineUnit) != "" {
			l.p.x1 -= 18
		}
	}
	if c.Title != "" {
		l.p.y0 = 28
	}
	l.legendY = l.p.y0
	l.p.y0 += legendHeight(l.items, W) + 10
	l.p.y1 = l.p.y0 + plotHeight
	l.h = l.p.y1 + 26

	l.band = l.p.w() / float64(l.n)
	l.group = l.band
	if l.band > 4 {
		l.group = l.band * 0.8
		if l.band-l.group > 24 {
			l.group = l.band - 24
		}
	}
	l.zero = l.left.at(0, l.p.y1, l.p.y0)
	return l, true
}

// barDomain is the range of the bars over n categories, zero included:
// of the values side by side, or of the stacks' positive and negative sums.
func barDomain(series []Series, n int, stacked bool) (lo, hi float64, seen bool) {
	for i := 0; i < n; i++ {
		pos, neg := 0.0, 0.0
		for _, s := range series {
			v := s.at(i)
			if !finite(v) {
				continue
			}
			seen = true
			if stacked {
				if v > 0 {
					pos += v
				} else {
					neg += v
				}
			} else {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		lo, hi = math.Min(lo, neg), math.Max(hi, pos)
	}
	return lo, hi, seen
}

// lineDomain is the range of the lines' finite values, zero included.
func lineDomain(lines []Series, n int) (lo, hi float64, seen bool) {
	for _, s := range lines {
		for i := 0; i < n; i++ {
			if v := s.at(i); finite(v) {
				seen = true
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	return lo, hi, seen
}

// axes sets the value axes. The lines get a right-hand axis only when they
// have a unit of their own and there are bars too; otherwise they share the
// left axis, which then covers both. A right axis over a left one starting
// at zero gets as many ticks, so that the grid lines serve both.
func (c Bars) axes(l *barsLayout, bLo, bHi, lLo, lHi float64) {
	l.rightAxis = c.LineUnit != "" && l.barsAny && l.linesAny
	l.lineUnit = c.LineUnit
	if !l.rightAxis {
		if l.barsAny {
			l.lineUnit = c.Unit
		}
		bLo, bHi = math.Min(bLo, lLo), math.Max(bHi, lHi)
	}
	l.leftUnit = c.Unit
	if !l.barsAny && c.LineUnit != "" {
		l.leftUnit = c.LineUnit
	}
	l.left = linearAxis(bLo, bHi, l.leftUnit, 5)
	if l.rightAxis {
		if l.left.lo == 0 && lLo >= 0 {
			l.right = alignedAxis(lHi, len(l.left.ticks)-1, c.LineUnit)
		} else {
			l.right = linearAxis(lLo, lHi, c.LineUnit, 5)
		}
	}
}

// bar returns the rectangle of series si's value v in category i: side by
// side in the category's group, or stacked on the series before it, positive
// values upwards from zero and negative ones downwards.
func (c Bars) bar(l *barsLayout, si, i int, v float64) (x, y, w, h float64) {
	x = l.p.x0 + float64(i)*l.band + (l.band-l.group)/2
	w = l.group
	y0, y1 := l.zero, l.left.at(v, l.p.y1, l.p.y0)
	if c.Stacked {
		below := 0.0
		for _, t := range c.Series[:si] {
			u := t.at(i)
			if finite(u) && (u > 0) == (v > 0) {
				below += u
			}
		}
		y0, y1 = l.left.at(below, l.p.y1, l.p.y0), l.left.at(below+v, l.p.y1, l.p.y0)
	} else {
		w = l.group / float64(len(c.Series))
		x += float64(si) * w
	}
	if w > 6 && !c.Stacked {
		w-- // a gap between bars side by side
	}
	return x, math.Min(y0, y1), w, math.Abs(y1 - y0)
}

// labelHover writes the hover title of a mark: its category label, the
// series name when there are several, and the exact value. The buffer is
// reused; callers convert it to a string where the string is used, so a
// short title that does not escape needs no allocation.
type labelHover struct {
	buf    []byte
	labels []string
}

func (h *labelHover) text(i int, name string, v float64, unit string, many bool) []byte {
	h.buf = h.buf[:0]
	if i < len(h.labels) {
		h.buf = append(h.buf, h.labels[i]...)
	}
	if many {
		h.buf = append(h.buf, " · "...)
		h.buf = append(h.buf, name...)
	}
	h.buf = append(h.buf, '\n')
	h.buf = appendExact(h.buf, v, unit)
	return h.buf
}

// drawBars draws the bar series, each in a group of its color.
func (c Bars) drawBars(cv *canvas, l *barsLayout, hv *labelHover) {
	cv.s(`<g class="gmd-bars">`)
	many := len(c.Series) > 1
	for si, s := range c.Series {
		cv.s(`<g class="gmd-series"`)
		cv.a("data-series", s.Name)
		cv.a("fill", l.colors[si])
		cv.s(">")
		for i := 0; i < l.n; i++ {
			v := s.at(i)
			if !finite(v) {
				continue
			}
			x, y, w, h := c.bar(l, si, i, v)
			cv.rect("gmd-bar", x, y, w, h, "", string(hv.text(i, s.Name, v, c.Unit, many)))
		}
		cv.s("</g>")
	}
	cv.s("</g>")
}

// drawLines draws the line series through the middle of each category, on
// the right-hand axis when they have one.
func (c Bars) drawLines(cv *canvas, l *barsLayout, hv *labelHover) {
	ax := l.left
	if l.rightAxis {
		ax = l.right
	}
	many := len(c.Series)+len(c.Lines) > 1
	cv.s(`<g class="gmd-lines">`)
	for li, s := range c.Lines {
		color := l.colors[len(c.Series)+li]
		pts := make([]pt, l.n)
		for i := range pts {
			v := s.at(i)
			pts[i] = pt{l.p.x0 + (float64(i)+0.5)*l.band, ax.at(v, l.p.y1, l.p.y0), finite(v)}
		}
		cv.s(`<g class="gmd-series"`)
		cv.a("data-series", s.Name)
		cv.s(">")
		cv.polyline(pts, color)
		cv.points(pts, color, l.p.w(), func(i int) string { return string(hv.text(i, s.Name, s.at(i), l.lineUnit, many)) })
		cv.s("</g>")
	}
	cv.s("</g>")
}

// pt is a point of a line; ok is false for a gap.
type pt struct {
	x, y float64
	ok   bool
}

// polyline draws a line through the points, broken at gaps.
func (c *canvas) polyline(pts []pt, color string) {
	c.s(`<path class="gmd-line" fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"`)
	c.a("stroke", color)
	c.s(` d="`)
	pen := false
	drawn := false
	for i, q := range pts {
		if !q.ok {
			pen = false
			continue
		}
		lone := !pen && (i+1 >= len(pts) || !pts[i+1].ok)
		if pen {
			c.s("L")
		} else {
			c.s("M")
		}
		c.num(q.x)
		c.s(" ")
		c.num(q.y)
		if lone {
			// A value between two gaps: a zero-length segment that the round
			// cap draws as a dot, so it does not vanish.
			c.s("h0")
		}
		pen = true
		drawn = true
	}
	if !drawn {
		c.s("M0 0")
	}
	c.s(`"/>`)
}

// dot draws a point mark with its hover title.
func (c *canvas) dot(x, y, r float64, hover string) {
	c.s(`<circle class="gmd-point"`)
	c.f("cx", x)
	c.f("cy", y)
	c.f("r", r)
	c.s(">")
	c.title(hover)
	c.s("</circle>")
}
