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

// canvas accumulates one SVG document. Charts keep it in a local variable:
// it stays off the heap, so appending to it needs no GC write barriers,
// which otherwise cost more than the formatting.
type canvas struct {
	b []byte
}

// begin opens the <svg> element with its accessible name. kind is the chart
// type, added as a class so that page CSS can tell charts apart.
func begin(kind, title string, w, h float64, size int) canvas {
	c := canvas{b: make([]byte, 0, size)}
	c.s(`<svg xmlns="http://www.w3.org/2000/svg" class="gmd-chart gmd-chart-`)
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

// appendNum writes v rounded to two decimals, without trailing zeros.
// Coordinates are written by the thousand, so this avoids the general
// float formatting.
func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9 {
		v = 0
	}
	n := int64(math.Round(v * 100))
	if n == 0 {
		return append(b, '0') // also turns -0 into 0
	}
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/100, 10)
	if f := n % 100; f != 0 {
		b = append(b, '.', byte('0'+f/10))
		if f%10 != 0 {
			b = append(b, byte('0'+f%10))
		}
	}
	return b
}

// esc writes s escaped for both text and attribute values. Characters that
// XML 1.0 cannot carry at all (control characters, invalid UTF-8, U+FFFE/
// U+FFFF) become U+FFFD: escaping them as character references would still
// make the document ill-formed.
func (c *canvas) esc(s string) { c.escape(s, false) }

// escText is esc for element content, where a newline is kept: browsers show
// it as a line break in hover titles.
func (c *canvas) escText(s string) { c.escape(s, true) }

// plain marks with '0' the bytes that go to the output as they are:
// printable ASCII other than the five XML specials.
const plain = "1111111111111111111111111111111100100011000000000000000000001010" +
	"0000000000000000000000000000000000000000000000000000000000000001" +
	"1111111111111111111111111111111111111111111111111111111111111111" +
	"1111111111111111111111111111111111111111111111111111111111111111"

func (c *canvas) escape(s string, keepNewline bool) {
	// Most names need no escaping at all: find the first byte that does.
	i := 0
	for i < len(s) && plain[s[i]] == '0' {
		i++
	}
	if i == len(s) {
		c.s(s)
		return
	}
	start := 0
	for i < len(s) {
		ch := s[i]
		if plain[ch] == '0' {
			i++
			continue
		}
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
			case ch == '\n' && keepNewline:
				i++
				continue
			case ch == '\t' || ch == '\n' || ch == '\r':
				rep = " " // attribute values would normalize them anyway
			default: // other control characters, and DEL
				rep = "\uFFFD"
			}
			c.s(s[start:i])
			c.s(rep)
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF || (r >= 0x80 && r <= 0x9f) {
			c.s(s[start:i])
			c.s("\uFFFD")
			i += n
			start = i
			continue
		}
		i += n
	}
	c.s(s[start:])
}

// noData renders the empty state: the chart's frame with a short message,
// so a page keeps its layout when a time range holds nothing.
func noData(kind, title string) template.HTML {
	const w, h = defaultWidth, 120
	label := title
	if label == "" {
		label = "No data"
	}
	c := begin(kind, label, w, h, 512)
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
	// Estimated at the base size, the bold 14-unit title is about 1.3 times wider.
	c.esc(fit(title, defaultWidth/1.3))
	c.s(`</text>`)
}

// f writes a numeric attribute.
func (c *canvas) f(name string, v float64) {
	c.s(" ")
	c.s(name)
	c.s(`="`)
	c.num(v)
	c.s(`"`)
}

// a writes a string attribute, escaped.
func (c *canvas) a(name, v string) {
	c.s(" ")
	c.s(name)
	c.s(`="`)
	c.esc(v)
	c.s(`"`)
}

// title writes a hover title as the first child of the mark just opened.
func (c *canvas) title(s string) {
	c.s("<title>")
	c.escText(s)
	c.s("</title>")
}

// rect writes a rectangle with a hover title. Negative sizes are turned
// around, so bad input still gives a valid element.
func (c *canvas) rect(class string, x, y, w, h float64, fill, hover string) {
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	c.s("<rect")
	if class != "" {
		c.a("class", class)
	}
	c.f("x", x)
	c.f("y", y)
	c.f("width", w)
	c.f("height", h)
	if fill != "" {
		c.a("fill", fill)
	}
	if hover == "" {
		c.s("/>")
		return
	}
	c.s(">")
	c.title(hover)
	c.s("</rect>")
}

// line writes a line segment.
func (c *canvas) line(class string, x1, y1, x2, y2 float64, stroke string) {
	c.s("<line")
	if class != "" {
		c.a("class", class)
	}
	c.f("x1", x1)
	c.f("y1", y1)
	c.f("x2", x2)
	c.f("y2", y2)
	if stroke != "" {
		c.a("stroke", stroke)
	}
	c.s("/>")
}

// text writes a text element; anchor is "start", "middle" or "end".
func (c *canvas) text(class string, x, y float64, anchor, s string) {
	c.s("<text")
	if class != "" {
		c.a("class", class)
	}
	c.f("x", x)
	c.f("y", y)
	if anchor != "" && anchor != "start" {
		c.a("text-anchor", anchor)
	}
	c.s(">")
	c.esc(s)
	c.s("</text>")
}

// textWidth estimates the rendered width of s at the base font size; the
// estimate errs on the wide side so that labels thinned or truncated by it
// do not collide.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) float64 {
	switch {
	case r == 'i' || r == 'l' || r == 'j' || r == '.' || r == ',' || r == ':' || r == '\'' || r == '|' || r == ' ':
		return charWidth * 0.5
	case r >= 'A' && r <= 'Z' || r == 'm' || r == 'w':
		return charWidth * 1.25
	case r < 0x1100:
		return charWidth
	case r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) || r >= 0x1f300:
		return 2 * charWidth // wide East Asian characters and emoji
	}
	return charWidth
}

// fit truncates s with an ellipsis so that its estimated width stays
// within w; callers keep the full text in a hover title.
func fit(s string, w float64) string {
	if textWidth(s) <= w {
		return s
	}
	room := w - charWidth // for the ellipsis
	acc := 0.0
	for i, r := range s {
		acc += runeWidth(r)
		if acc > room {
			return s[:i] + "…"
		}
	}
	return s
}

// safeColor returns c if it is a plain color value (hex or a CSS color
// name or function), else the color of name: a color is written into an
// attribute and must not smuggle anything else in.
func safeColor(c, name string) string {
	if c == "" || len(c) > 40 {
		return Color(name)
	}
	for i := 0; i < len(c); i++ {
		ch := c[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '#' || ch == '(' || ch == ')' || ch == ',' || ch == '.' || ch == '%' || ch == ' ') {
			return Color(name)
		}
	}
	return c
}
