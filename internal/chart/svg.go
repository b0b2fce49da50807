package chart

import (
	"html/template"
	"math"
	"strconv"
	"unicode/utf8"
)

// Default geometry, in viewBox units. The page scales the whole drawing, so
// these only fix proportions and the size text has relative to the marks.
const (
	defaultWidth = 960
	fontSize     = 12  // tick labels, legend
	charWidth    = 6.8 // average advance of a 12-unit sans-serif character, for layout estimates
	titleSize    = 14
)

// canvas accumulates one SVG document.
type canvas struct {
	b []byte
}

// begin opens the <svg> element with its accessible name. kind is the chart
// type, added as a class so that page CSS can tell charts apart.
func begin(kind, title string, w, h float64, size int) *canvas {
	c := &canvas{b: make([]byte, 0, size)}
	c.s(`<svg xmlns="http://www.w3.org/2000/svg" class="gmd-chart gmd-`)
	c.s(kind)
	c.s(`" viewBox="0 0 `)
	c.num(w)
	c.s(" ")
	c.num(h)
	c.s(`" width="`)
	c.num(w)
	c.s(`" height="`)
	c.num(h)
	c.s(`" role="img" aria-label="`)
	c.esc(title)
	c.s(`" font-family="system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif" font-size="12" fill="#1f2937"><title>`)
	c.esc(title)
	c.s(`</title>`)
	return c
}

func (c *canvas) html() template.HTML {
	c.s(`</svg>`)
	return template.HTML(c.b)
}

func (c *canvas) s(s string) { c.b = append(c.b, s...) }

// num writes a coordinate: at most two decimals, and 0 for anything that is
// not a finite number, so that bad input never reaches the output as NaN.
func (c *canvas) num(v float64) {
	c.b = appendNum(c.b, v)
}

func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9 {
		v = 0
	}
	v = math.Round(v*100) / 100
	if v == 0 {
		return append(b, '0') // also turns -0 into 0
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// esc writes s escaped for both text and attribute values. Characters that
// XML 1.0 cannot carry at all (control characters, invalid UTF-8, U+FFFE/
// U+FFFF) become U+FFFD: escaping them as character references would still
// make the document ill-formed.
func (c *canvas) esc(s string) { c.b = appendEsc(c.b, s) }

func appendEsc(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		ch := s[i]
		if ch < utf8.RuneSelf {
			var rep string
			switch {
			case ch == '<':
				rep = "&lt;"
			case ch == '>':
				rep = "&gt;"
			case ch == '&':
				rep = "&amp;"
			case ch == '"':
				rep = "&#34;"
			case ch == '\'':
				rep = "&#39;"
			case ch == '\t' || ch == '\n' || ch == '\r':
				rep = " " // attribute values would normalize them anyway
			case ch < 0x20 || ch == 0x7f:
				rep = "\uFFFD"
			default:
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, rep...)
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF || (r >= 0x80 && r <= 0x9f) {
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
			i += n
			start = i
			continue
		}
		i += n
	}
	return append(b, s[start:]...)
}

// noData renders the empty state: the chart's frame with a short message,
// so a page keeps its layout when a time range holds nothing.
func noData(kind, title string) template.HTML {
	const w, h = defaultWidth, 120
	c := begin(kind, title, w, h, 512)
	c.heading(title)
	c.s(`<text class="gmd-empty" x="480" y="70" text-anchor="middle" fill="#6b7280">No data</text>`)
	return c.html()
}

// heading draws the chart's visible title at the top left.
func (c *canvas) heading(title string) {
	if title == "" {
		return
	}
	c.s(`<text class="gmd-title" x="0" y="16" font-size="14" font-weight="600">`)
	c.esc(truncate(title, int(defaultWidth/7.5)))
	c.s(`</text>`)
}

// truncate shortens s to at most n characters, marking the cut with an
// ellipsis; callers keep the full text in a <title>.
func truncate(s string, n int) string {
	if n < 1 {
		n = 1
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for i < len(s) && k < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	return s[:i] + "…"
}
