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

// SVG renders the bar chart.
func (c Bars) SVG() template.HTML {
	title := c.Title
	if title == "" {
		title = "Bar chart"
	}
	n := len(c.Labels)
	for _, s := range c.Series {
		n = max(n, len(s.Values))
	}
	for _, s := range c.Lines {
		n = max(n, len(s.Values))
	}
	// Domains: bars (stacked sums per category when stacked), then lines.
	bLo, bHi, barsAny := 0.0, 0.0, false
	for i := 0; i < n; i++ {
		pos, neg := 0.0, 0.0
		for _, s := range c.Series {
			v := s.at(i)
			if !finite(v) {
				continue
			}
			barsAny = true
			if c.Stacked {
				if v > 0 {
					pos += v
				} else {
					neg += v
				}
			} else {
				bLo, bHi = math.Min(bLo, v), math.Max(bHi, v)
			}
		}
		bLo, bHi = math.Min(bLo, neg), math.Max(bHi, pos)
	}
	lLo, lHi, linesAny := 0.0, 0.0, false
	for _, s := range c.Lines {
		for i := 0; i < n; i++ {
			if v := s.at(i); finite(v) {
				linesAny = true
				lLo, lHi = math.Min(lLo, v), math.Max(lHi, v)
			}
		}
	}
	if n == 0 || !(barsAny || linesAny) {
		return noData("bars", c.Title)
	}
	rightAxis := c.LineUnit != "" && barsAny && linesAny
	lineUnit := c.LineUnit
	if !rightAxis {
		if barsAny {
			lineUnit = c.Unit
		}
		bLo, bHi = math.Min(bLo, lLo), math.Max(bHi, lHi)
	}
	leftUnit := c.Unit
	if !barsAny && c.LineUnit != "" {
		leftUnit = c.LineUnit
	}
	left := linearAxis(bLo, bHi, leftUnit, 5)
	var right axis
	if rightAxis {
		if left.lo == 0 && lLo >= 0 {
			right = alignedAxis(lHi, len(left.ticks)-1, c.LineUnit)
		} else {
			right = linearAxis(lLo, lHi, c.LineUnit, 5)
		}
	}

	var names, given []string
	for _, s := range append(c.Series[:len(c.Series):len(c.Series)], c.Lines...) {
		names, given = append(names, s.Name), append(given, s.Color)
	}
	colors := seriesColors(names, given)
	items := make([]legendItem, len(names))
	for i, n := range names {
		items[i] = legendItem{n, colors[i], i >= len(c.Series)}
	}

	const W = defaultWidth
	p := area{x0: axisWidth(left), x1: W - 8}
	if unitTitle(leftUnit) != "" {
		p.x0 += 18
	}
	if rightAxis {
		p.x1 = W - axisWidth(right)
		if unitTitle(c.LineUnit) != "" {
			p.x1 -= 18
		}
	}
	if c.Title != "" {
		p.y0 = 28
	}
	lh := legendHeight(items, W)
	legendY := p.y0
	p.y0 += lh + 10
	p.y1 = p.y0 + plotHeight
	H := p.y1 + 26

	cv := begin("bars", title, W, H, 1024+n*len(c.Series)*110+n*len(c.Lines)*120)
	cv.heading(c.Title)
	cv.legend(items, 0, legendY, W)
	cv.yAxis(left, p, false, true)
	if rightAxis {
		cv.yAxis(right, p, true, false)
	}

	band := p.w() / float64(n)
	group := band
	if band > 4 {
		group = band * 0.8
		if band-group > 24 {
			group = band - 24
		}
	}
	zero := left.at(0, p.y1, p.y0)
	label := func(i int) string {
		if i < len(c.Labels) {
			return c.Labels[i]
		}
		return ""
	}
	var hover []byte
	hoverFor := func(i int, name string, v float64, unit string, many bool) string {
		hover = append(hover[:0], label(i)...)
		if many {
			hover = append(hover, " · "...)
			hover = append(hover, name...)
		}
		hover = append(hover, '\n')
		hover = appendExact(hover, v, unit)
		return string(hover)
	}
	if barsAny {
		cv.s(`<g class="gmd-bars">`)
		many := len(c.Series) > 1
		for si, s := range c.Series {
			color := colors[si]
			cv.s(`<g class="gmd-series"`)
			cv.a("data-series", s.Name)
			cv.a("fill", color)
			cv.s(">")
			for i := 0; i < n; i++ {
				v := s.at(i)
				if !finite(v) {
					continue
				}
				x0 := p.x0 + float64(i)*band + (band-group)/2
				w := group
				y0, y1 := zero, left.at(v, p.y1, p.y0)
				if c.Stacked {
					// Positive values stack upwards from zero, negative ones
					// downwards, each series on top of the ones before it.
					below := 0.0
					for _, t := range c.Series[:si] {
						u := t.at(i)
						if finite(u) && (u > 0) == (v > 0) {
							below += u
						}
					}
					y0, y1 = left.at(below, p.y1, p.y0), left.at(below+v, p.y1, p.y0)
				} else {
					w = group / float64(len(c.Series))
					x0 += float64(si) * w
				}
				gap := 0.0
				if w > 6 && !c.Stacked {
					gap = 1
				}
				cv.rect("gmd-bar", x0, math.Min(y0, y1), w-gap, math.Abs(y1-y0), "", hoverFor(i, s.Name, v, c.Unit, many))
			}
			cv.s("</g>")
		}
		cv.s("</g>")
	}
	if linesAny {
		ax := left
		if rightAxis {
			ax = right
		}
		many := len(c.Series)+len(c.Lines) > 1
		cv.s(`<g class="gmd-lines">`)
		for li, s := range c.Lines {
			color := colors[len(c.Series)+li]
			pts := make([]pt, n)
			for i := range pts {
				v := s.at(i)
				pts[i] = pt{p.x0 + (float64(i)+0.5)*band, ax.at(v, p.y1, p.y0), finite(v)}
			}
			cv.s(`<g class="gmd-series"`)
			cv.a("data-series", s.Name)
			cv.s(">")
			cv.polyline(pts, color)
			cv.points(pts, color, p.w(), func(i int) string { return hoverFor(i, s.Name, s.at(i), lineUnit, many) })
			cv.s("</g>")
		}
		cv.s("</g>")
	}
	cv.categoryLabels(c.Labels, p, p.y1+18)
	cv.axisTitle(unitTitle(leftUnit), 10, (p.y0+p.y1)/2, p.h(), true)
	if rightAxis {
		cv.axisTitle(unitTitle(c.LineUnit), W-8, (p.y0+p.y1)/2, p.h(), true)
	}
	return cv.html()
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
