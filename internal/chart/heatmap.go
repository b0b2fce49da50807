package chart

import (
	"html/template"
	"math"
	"strconv"
)

// Heatmap is a grid of cells colored by value, such as hour of day (rows)
// by the last 30 days (columns), color = number of requests.
type Heatmap struct {
	Title   string
	Columns []string    // x labels, left to right (dates)
	Rows    []string    // y labels, top to bottom ("00".."23")
	Values  [][]float64 // [row][column]; NaN or a missing entry = no value
	Unit    string      // of the values, for the legend and hovers: "requests"

	// ColumnName and RowName, when set, name the axes ("day", "hour") and
	// prefix the labels in each cell's hover title.
	ColumnName, RowName string
}

// heatRamp runs from a pale to a deep blue; a sequential ramp of one hue
// reads as "more" without a legend, and stays legible for color-blind
// readers.
const heatRamp = "#dbeafe#bfdbfe#93c5fd#60a5fa#3b82f6#2563eb#1d4ed8#1e3a8a"

// heatColor maps t in [0, 1] onto the ramp.
func heatColor(t float64) string {
	n := len(heatRamp) / 7
	if !(t > 0) {
		return heatRamp[:7]
	}
	if t >= 1 {
		return heatRamp[(n-1)*7:]
	}
	f := t * float64(n-1)
	i := int(f)
	return mix(heatRamp[i*7:i*7+7], heatRamp[i*7+7:i*7+14], f-float64(i))
}

// mix blends two "#rrggbb" colors.
func mix(a, b string, t float64) string {
	out := []byte{'#', 0, 0, 0, 0, 0, 0}
	const hex = "0123456789abcdef"
	for k := 0; k < 3; k++ {
		x, _ := strconv.ParseUint(a[1+2*k:3+2*k], 16, 8)
		y, _ := strconv.ParseUint(b[1+2*k:3+2*k], 16, 8)
		v := int(math.Round(float64(x) + (float64(y)-float64(x))*t))
		out[1+2*k] = hex[v>>4]
		out[2+2*k] = hex[v&15]
	}
	return string(out)
}

// SVG renders the heatmap.
func (h Heatmap) SVG() template.HTML {
	nr, nc := len(h.Rows), len(h.Columns)
	for _, row := range h.Values {
		nc = max(nc, len(row))
	}
	nr = max(nr, len(h.Values))
	maxV, seen := 0.0, false
	for _, row := range h.Values {
		for _, v := range row {
			if finite(v) {
				seen = true
				maxV = math.Max(maxV, v)
			}
		}
	}
	title := h.Title
	if title == "" {
		title = "Heatmap"
	}
	if !seen || nr == 0 || nc == 0 {
		return noData("heatmap", h.Title)
	}
	rowLabel := func(i int) string {
		if i < len(h.Rows) {
			return h.Rows[i]
		}
		return ""
	}
	colLabel := func(j int) string {
		if j < len(h.Columns) {
			return h.Columns[j]
		}
		return ""
	}

	const W = defaultWidth
	cellH := math.Max(3, math.Min(18, 600/float64(nr)))
	labelW := 0.0
	for _, r := range h.Rows {
		labelW = math.Max(labelW, textWidth(r))
	}
	labelW = math.Min(labelW, 140)
	p := area{x0: labelW + 10, y0: 34, x1: W - 4}
	if h.RowName != "" {
		p.x0 += 18
	}
	p.y1 = p.y0 + cellH*float64(nr)
	H := p.y1 + 22
	if h.ColumnName != "" {
		H += 18
	}
	cellW := p.w() / float64(nc)

	c := begin("heatmap", title, W, H, 2048+nr*nc*(130+len(h.Unit)+len(h.RowName)+len(h.ColumnName)))
	c.heading(h.Title)
	c.heatLegend(maxV, h.Unit, W-4, 8)

	gap := 1.0
	if cellW < 4 || cellH < 4 {
		gap = 0
	}
	c.s(`<g class="gmd-cells">`)
	var hover []byte
	var shades [101]string // colors by rounded share, computed once each
	for i := 0; i < nr; i++ {
		var row []float64
		if i < len(h.Values) {
			row = h.Values[i]
		}
		y := p.y0 + float64(i)*cellH
		for j := 0; j < nc; j++ {
			v := math.NaN()
			if j < len(row) {
				v = row[j]
			}
			x := p.x0 + float64(j)*cellW
			cls, fill := "gmd-cell", emptyColor
			switch {
			case !finite(v):
				cls, fill = "gmd-cell gmd-missing", "#ffffff"
			case v > 0 && maxV > 0:
				k := int(math.Round(100 * math.Min(1, math.Sqrt(v/maxV))))
				if shades[k] == "" {
					shades[k] = heatColor(float64(k) / 100)
				}
				fill = shades[k]
			}
			hover = hover[:0]
			hover = appendPair(hover, h.ColumnName, colLabel(j))
			hover = append(hover, ", "...)
			hover = appendPair(hover, h.RowName, rowLabel(i))
			hover = append(hover, '\n')
			if finite(v) {
				hover = appendExact(hover, v, h.Unit)
			} else {
				hover = append(hover, "no data"...)
			}
			c.rect(cls, x, y, cellW-gap, cellH-gap, fill, string(hover))
		}
	}
	c.s(`</g>`)

	rows := make([]string, nr)
	for i := range rows {
		rows[i] = rowLabel(i)
	}
	c.rowLabels(rows, nr, p.x0-6, p.y0, cellH, labelW)
	cols := make([]string, nc)
	for j := range cols {
		cols[j] = colLabel(j)
	}
	c.categoryLabels(cols, p, p.y1+16)
	c.axisTitle(h.RowName, 10, (p.y0+p.y1)/2, p.h(), true)
	c.axisTitle(h.ColumnName, (p.x0+p.x1)/2, H-4, p.w(), false)
	return c.html()
}

// appendPair writes "name value", or the value alone.
func appendPair(b []byte, name, value string) []byte {
	if name != "" {
		b = append(b, name...)
		b = append(b, ' ')
	}
	return append(b, value...)
}

// heatLegend draws the color key right-aligned at (right, y): "0", a strip
// of swatches, and the maximum with its unit.
func (c *canvas) heatLegend(maxV float64, unit string, right, y float64) {
	const n, sw = 8, 14
	hi := Format(maxV, unit)
	x := right - textWidth(hi) - 6 - n*sw
	c.s(`<g class="gmd-legend gmd-scale">`)
	c.tick(x-6, y+11, "end", "0")
	for i := 0; i < n; i++ {
		t := float64(i) / float64(n-1)
		// The cells use the square root of the share of the maximum; the
		// key shows which value each swatch stands for.
		v := t * t * maxV
		fill := heatColor(t)
		if i == 0 {
			fill = emptyColor
		}
		c.rect("gmd-swatch", x+float64(i)*sw, y, sw, 14, fill, "≈ "+Format(v, unit))
	}
	c.tick(right, y+11, "end", hi)
	c.s(`</g>`)
}
