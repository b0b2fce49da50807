package chart

import "math"

// Shared layout of the charts with axes. Every chart lays itself out first
// (margins from its labels, legend rows from its series) and only then
// writes the <svg>, whose height depends on that layout.

const (
	tickColor  = "#6b7280"
	gridColor  = "#e5e7eb"
	axisColor  = "#9ca3af"
	emptyColor = "#f3f4f6"
	legendRow  = 20
	maxLabel   = 180 // widest a category label may be, in units, before it is truncated
)

// area is the plot area, in viewBox units.
type area struct{ x0, y0, x1, y1 float64 }

func (p area) w() float64 { return p.x1 - p.x0 }
func (p area) h() float64 { return p.y1 - p.y0 }

type legendItem struct {
	name, color string
	line        bool // drawn as a line sample rather than a square
}

const legendMaxName = 200

func legendItemWidth(it legendItem) float64 {
	return 18 + textWidth(fit(it.name, legendMaxName)) + 16
}

// legendHeight returns the height the legend takes at the given width;
// zero when it has fewer than two items, since one series needs no key.
func legendHeight(items []legendItem, width float64) float64 {
	if len(items) < 2 {
		return 0
	}
	rows, x := 1, 0.0
	for _, it := range items {
		w := legendItemWidth(it)
		if x > 0 && x+w > width {
			rows++
			x = 0
		}
		x += w
	}
	return float64(rows) * legendRow
}

// legend draws the items left to right from (x, y), wrapping at width.
func (c *canvas) legend(items []legendItem, x0, y, width float64) {
	if len(items) < 2 {
		return
	}
	c.s(`<g class="gmd-legend">`)
	x := x0
	for _, it := range items {
		w := legendItemWidth(it)
		if x > x0 && x+w > x0+width {
			x = x0
			y += legendRow
		}
		c.s(`<g class="gmd-legend-item"`)
		c.a("data-series", it.name)
		c.s(">")
		c.title(it.name)
		if it.line {
			c.s(`<line class="gmd-legend-line"`)
			c.f("x1", x)
			c.f("y1", y+10)
			c.f("x2", x+12)
			c.f("y2", y+10)
			c.a("stroke", it.color)
			c.s(` stroke-width="2.5"/>`)
		} else {
			c.s(`<rect class="gmd-legend-swatch"`)
			c.f("x", x)
			c.f("y", y+4)
			c.s(` width="12" height="12" rx="2"`)
			c.a("fill", it.color)
			c.s("/>")
		}
		c.text("gmd-legend-label", x+18, y+14, "", fit(it.name, legendMaxName))
		c.s("</g>")
		x += w
	}
	c.s("</g>")
}

// yAxis draws horizontal grid lines at the ticks of a over the plot area,
// and the tick labels on the left or right side.
func (c *canvas) yAxis(a axis, p area, right, grid bool) {
	c.s(`<g class="gmd-axis gmd-axis-y`)
	if right {
		c.s(` gmd-axis-right`)
	}
	c.s(`">`)
	for i, t := range a.ticks {
		y := a.at(t, p.y1, p.y0)
		if grid {
			cls := "gmd-grid"
			if t == 0 && !a.log {
				cls = "gmd-grid gmd-zero"
			}
			col := gridColor
			if t == 0 && !a.log {
				col = axisColor
			}
			c.line(cls, p.x0, y, p.x1, y, col)
		}
		if right {
			c.tick(p.x1+6, y+4, "start", a.labels[i])
		} else {
			c.tick(p.x0-6, y+4, "end", a.labels[i])
		}
	}
	c.s(`</g>`)
}

func (c *canvas) tick(x, y float64, anchor, s string) {
	c.s(`<text class="gmd-tick"`)
	c.f("x", x)
	c.f("y", y)
	if anchor != "start" {
		c.a("text-anchor", anchor)
	}
	c.s(` fill="` + tickColor + `">`)
	c.esc(s)
	c.s(`</text>`)
}

// axisTitle draws an axis title: along the left or right edge, turned,
// or centered under the plot.
func (c *canvas) axisTitle(s string, x, y, length float64, vertical bool) {
	if s == "" {
		return
	}
	full := s
	s = fit(s, length)
	c.s(`<text class="gmd-axis-title" text-anchor="middle" fill="` + tickColor + `"`)
	c.f("x", x)
	c.f("y", y)
	if vertical {
		c.s(` transform="rotate(-90 `)
		c.num(x)
		c.s(" ")
		c.num(y)
		c.s(`)"`)
	}
	c.s(">")
	if s != full {
		c.title(full)
	}
	c.esc(s)
	c.s("</text>")
}

// axisWidth is the room the widest tick label of a needs beside the plot.
func axisWidth(a axis) float64 {
	w := 0.0
	for _, l := range a.labels {
		w = math.Max(w, textWidth(l))
	}
	return w + 10
}

// labelStep returns k such that drawing every k-th of n labels, each up
// to labelW wide, in slots of the given width leaves a gap between them.
// k is rounded up to a step that reads well over hours and days.
func labelStep(n int, labelW, slot float64) int {
	if n <= 1 || slot <= 0 || !finite(slot) {
		return 1
	}
	need := int(math.Ceil((labelW + 8) / slot))
	for _, k := range []int{1, 2, 3, 4, 6, 8, 12, 24} {
		if need <= k {
			return k
		}
	}
	return 5 * int(math.Ceil(float64(need)/5))
}

// categoryLabels draws labels centered under n equal slots of the plot
// area, thinned so they never overlap and truncated to a readable width.
func (c *canvas) categoryLabels(labels []string, p area, y float64) {
	n := len(labels)
	if n == 0 {
		return
	}
	slot := p.w() / float64(n)
	widest := 0.0
	for _, l := range labels {
		widest = math.Max(widest, textWidth(l))
	}
	widest = math.Min(widest, maxLabel)
	k := labelStep(n, widest, slot)
	room := math.Max(slot*float64(k)-8, 3*charWidth)
	room = math.Min(room, maxLabel)
	c.s(`<g class="gmd-axis gmd-axis-x">`)
	for i := 0; i < n; i += k {
		x := p.x0 + (float64(i)+0.5)*slot
		s := fit(labels[i], room)
		// Keep the first and last labels inside the drawing.
		half := textWidth(s) / 2
		x = math.Max(x, half+2)
		x = math.Min(x, defaultWidth-half-2)
		c.fittedLabel(x, y, "middle", labels[i], s)
	}
	c.s(`</g>`)
}

// rowLabels writes labels right-aligned at x, centered on n rows of height
// rowH from y0, cut to width and thinned so that they do not overlap.
func (c *canvas) rowLabels(labels []string, n int, x, y0, rowH, width float64) {
	k := labelStep(n, 4, rowH)
	c.s(`<g class="gmd-axis gmd-axis-y">`)
	for i := 0; i < n && i < len(labels); i += k {
		c.fittedLabel(x, y0+(float64(i)+0.5)*rowH+4, "end", labels[i], fit(labels[i], width))
	}
	c.s(`</g>`)
}

// fittedLabel writes a tick label shortened to shown, with the full text
// as its hover title when it was cut.
func (c *canvas) fittedLabel(x, y float64, anchor, full, shown string) {
	c.s(`<text class="gmd-tick" text-anchor="`)
	c.s(anchor)
	c.s(`" fill="` + tickColor + `"`)
	c.f("x", x)
	c.f("y", y)
	c.s(">")
	if shown != full {
		c.title(full)
	}
	c.esc(shown)
	c.s("</text>")
}
