package chart

import (
	"html/template"
	"math"
	"strconv"
)

// Frame is one node of a call tree: a function and the value (samples,
// time) spent in it and below it.
type Frame struct {
	Name     string
	Value    float64
	Children []*Frame
}

// FlameGraph draws a call tree as an icicle: the root on top, callees below,
// each frame as wide as its share of the root's value, children in the
// order given. Each frame is a <g class="gmd-frame"> with data-x, data-w
// (fractions of the root's width) and data-depth, so that a small external
// script can zoom on click.
type FlameGraph struct {
	Title string
	Root  *Frame
	Unit  string

	// MinShare leaves out frames narrower than this share of the root (and
	// everything below them), to bound the size of the page for large
	// profiles. 0 means 1/2000.
	MinShare float64
}

// Limits that keep a hostile or degenerate tree (very deep, very wide, or
// holding a cycle) from producing an unbounded page.
const (
	maxFlameDepth  = 256
	maxFlameFrames = 20000
	flameRow       = 18
)

// flameColors are warm tints light enough for dark text on top.
const flameColors = "#fdba74#fca5a5#fcd34d#fb923c#f9a8d4#fde68a#fdba8c#f87171#fbbf24#fed7aa"

func flameColor(name string) string {
	i := int(hashName(name) % uint32(len(flameColors)/7))
	return flameColors[i*7 : i*7+7]
}

// frameValue is a frame's own value, or the sum of its children when that
// is larger: a caller can never be narrower than its callees.
func frameValue(f *Frame) float64 {
	v := f.Value
	if !finite(v) || v < 0 {
		v = 0
	}
	sum := 0.0
	for _, ch := range f.Children {
		if ch != nil && finite(ch.Value) && ch.Value > 0 {
			sum += ch.Value
		}
	}
	return math.Max(v, sum)
}

type flameItem struct {
	f        *Frame
	x, w     float64 // share of the root
	depth    int
	valueRaw float64
}

// SVG renders the flame graph.
func (c FlameGraph) SVG() template.HTML {
	title := c.Title
	if title == "" {
		title = "Flame graph"
	}
	if c.Root == nil {
		return noData("flame", c.Title)
	}
	total := frameValue(c.Root)
	if !(total > 0) || !finite(total) {
		return noData("flame", c.Title)
	}
	minShare := c.MinShare
	if !(minShare > 0) {
		minShare = 1.0 / 2000
	}
	// Breadth-first layout; the walk is bounded by depth and frame count, so
	// a tree with a cycle ends too.
	items := []flameItem{{f: c.Root, x: 0, w: 1, valueRaw: total}}
	depth := 0
	for i := 0; i < len(items) && len(items) < maxFlameFrames; i++ {
		it := items[i]
		depth = max(depth, it.depth)
		if it.depth+1 >= maxFlameDepth {
			continue
		}
		parent := frameValue(it.f)
		x := it.x
		for _, ch := range it.f.Children {
			if ch == nil || !finite(ch.Value) || ch.Value <= 0 || parent <= 0 {
				continue
			}
			w := it.w * ch.Value / parent
			if w >= minShare && len(items) < maxFlameFrames {
				items = append(items, flameItem{f: ch, x: x, w: w, depth: it.depth + 1, valueRaw: ch.Value})
			}
			x += w
		}
	}

	const W = defaultWidth
	top := 0.0
	if c.Title != "" {
		top = 28
	}
	H := top + float64(depth+1)*flameRow + 2
	cv := begin("flame", title, W, H, 512+len(items)*260)
	cv.heading(c.Title)
	cv.s(`<g class="gmd-frames" font-size="11">`)
	var hover []byte
	for i, it := range items {
		x, w := it.x*W, it.w*W
		y := top + float64(it.depth)*flameRow
		fill := flameColor(it.f.Name)
		if i == 0 {
			fill = "#e5e7eb"
		}
		cv.s(`<g class="gmd-frame" data-x="`)
		cv.b = (strconv.AppendFloat(cv.b, math.Round(it.x*1e6)/1e6, 'f', -1, 64))
		cv.s(`" data-w="`)
		cv.b = (strconv.AppendFloat(cv.b, math.Round(it.w*1e6)/1e6, 'f', -1, 64))
		cv.s(`" data-depth="`)
		cv.b = (strconv.AppendInt(cv.b, int64(it.depth), 10))
		cv.s(`">`)
		hover = append(hover[:0], it.f.Name...)
		hover = append(hover, '\n')
		hover = appendExact(hover, it.valueRaw, c.Unit)
		hover = append(hover, " ("...)
		hover = appendFormat(hover, it.valueRaw/total*100, "%")
		hover = append(hover, ')')
		cv.title(string(hover))
		cv.s(`<rect rx="1.5"`)
		cv.f("x", x+0.5)
		cv.f("y", y+0.5)
		cv.f("width", math.Max(w-1, 0.5))
		cv.f("height", flameRow-1)
		cv.a("fill", fill)
		cv.s("/>")
		if w > 3*charWidth {
			cv.text("gmd-frame-label", x+4, y+13, "", fit(it.f.Name, w-8))
		}
		cv.s("</g>")
	}
	cv.s(`</g>`)
	return cv.html()
}
