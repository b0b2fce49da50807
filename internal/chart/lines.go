package chart

import (
	"html/template"
	"math"
	"sort"
	"time"
)

// Point is one value at one time.
type Point struct {
	T time.Time
	V float64 // NaN = no value (a gap in the line)
}

// TimeSeries is one named line of a Lines chart.
type TimeSeries struct {
	Name   string
	Color  string // "" means Color(Name), as for Series
	Points []Point
}

// Lines draws time series, such as status codes over time or requests per
// day per endpoint. Stacked draws stacked areas instead of lines; a point
// missing from one series counts as zero there.
type Lines struct {
	Title   string
	Series  []TimeSeries
	Unit    string
	Stacked bool
	Loc     *time.Location // time zone of the tick labels; nil = UTC
}

// SVG renders the chart.
func (c Lines) SVG() template.HTML {
	title := c.Title
	if title == "" {
		title = "Time series"
	}
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	// Each series sorted by time, so its line runs left to right.
	series := make([][]Point, len(c.Series))
	var t0, t1 time.Time
	seen := false
	withClock, withSeconds := false, false
	for i, s := range c.Series {
		pts := make([]Point, len(s.Points))
		copy(pts, s.Points)
		sort.SliceStable(pts, func(a, b int) bool { return pts[a].T.Before(pts[b].T) })
		series[i] = pts
		for _, q := range pts {
			if !finite(q.V) {
				continue
			}
			if !seen || q.T.Before(t0) {
				t0 = q.T
			}
			if !seen || q.T.After(t1) {
				t1 = q.T
			}
			seen = true
			lt := q.T.In(loc)
			withClock = withClock || lt.Hour() != 0 || lt.Minute() != 0 || lt.Second() != 0
			withSeconds = withSeconds || lt.Second() != 0
		}
	}
	if !seen {
		return noData("lines", c.Title)
	}
	if !t1.After(t0) {
		t0, t1 = t0.Add(-time.Hour), t1.Add(time.Hour)
	}
	hoverLayout := "2006-01-02"
	switch {
	case withSeconds:
		hoverLayout = "2006-01-02 15:04:05"
	case withClock:
		hoverLayout = "2006-01-02 15:04"
	}

	// Stacked: one value per series at every time any series has, gaps as 0.
	var times []time.Time
	var stack [][]float64 // [series][time] cumulative top
	lo, hi := 0.0, 0.0
	if c.Stacked {
		for _, pts := range series {
			for _, q := range pts {
				times = append(times, q.T)
			}
		}
		sort.Slice(times, func(a, b int) bool { return times[a].Before(times[b]) })
		times = dedupTimes(times)
		below := make([]float64, len(times))
		for _, pts := range series {
			top := make([]float64, len(times))
			k := 0
			for ti, t := range times {
				v := 0.0
				for k < len(pts) && !pts[k].T.After(t) {
					if pts[k].T.Equal(t) && finite(pts[k].V) {
						v += pts[k].V
					}
					k++
				}
				top[ti] = below[ti] + v
			}
			for ti := range top {
				lo, hi = math.Min(lo, top[ti]), math.Max(hi, top[ti])
			}
			stack = append(stack, top)
			below = top
		}
	} else {
		for _, pts := range series {
			for _, q := range pts {
				if finite(q.V) {
					lo, hi = math.Min(lo, q.V), math.Max(hi, q.V)
				}
			}
		}
	}
	ax := linearAxis(lo, hi, c.Unit, 5)

	names, given := make([]string, len(c.Series)), make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i], given[i] = s.Name, s.Color
	}
	colors := seriesColors(names, given)
	items := make([]legendItem, len(names))
	for i, n := range names {
		items[i] = legendItem{n, colors[i], !c.Stacked}
	}
	const W = defaultWidth
	p := area{x0: axisWidth(ax), x1: W - 24}
	if unitTitle(c.Unit) != "" {
		p.x0 += 18
	}
	if c.Title != "" {
		p.y0 = 28
	}
	lh := legendHeight(items, W)
	legendY := p.y0
	p.y0 += lh + 10
	p.y1 = p.y0 + plotHeight - 20
	H := p.y1 + 26
	span := float64(t1.Sub(t0))
	if !(span > 0) {
		span = 1
	}
	xAt := func(t time.Time) float64 {
		return linear{0, span, p.x0, p.x1}.at(float64(t.Sub(t0)))
	}

	size := 1024
	for _, pts := range series {
		size += len(pts) * 120
	}
	cv := begin("lines", title, W, H, size)
	cv.heading(c.Title)
	cv.legend(items, 0, legendY, W)
	cv.yAxis(ax, p, false, true)
	ticks := timeTicks(t0, t1, loc, int(p.w()/110))
	cv.s(`<g class="gmd-axis gmd-axis-x">`)
	lastEnd := math.Inf(-1)
	for _, tk := range ticks {
		x := xAt(tk.t)
		cv.line("gmd-grid", x, p.y0, x, p.y1, gridColor)
		w := textWidth(tk.label)
		if x-w/2 < lastEnd+8 || x+w/2 > W {
			continue // a label that would touch the previous one or the edge
		}
		cv.tick(x, p.y1+18, "middle", tk.label)
		lastEnd = x + w/2
	}
	cv.s(`</g>`)

	many := len(c.Series) > 1
	var hover []byte
	hoverFor := func(t time.Time, name string, v float64) string {
		hover = t.In(loc).AppendFormat(hover[:0], hoverLayout)
		if many {
			hover = append(hover, " · "...)
			hover = append(hover, name...)
		}
		hover = append(hover, '\n')
		hover = appendExact(hover, v, c.Unit)
		return string(hover)
	}
	cv.s(`<g class="gmd-lines">`)
	if c.Stacked {
		for si, s := range c.Series {
			color := colors[si]
			cv.s(`<g class="gmd-series"`)
			cv.a("data-series", s.Name)
			cv.s(">")
			cv.s(`<path class="gmd-area" fill-opacity="0.75"`)
			cv.a("fill", color)
			cv.s(` d="`)
			for ti, t := range times {
				if ti == 0 {
					cv.s("M")
				} else {
					cv.s("L")
				}
				cv.num(xAt(t))
				cv.s(" ")
				cv.num(ax.at(stack[si][ti], p.y1, p.y0))
			}
			for ti := len(times) - 1; ti >= 0; ti-- {
				below := 0.0
				if si > 0 {
					below = stack[si-1][ti]
				}
				cv.s("L")
				cv.num(xAt(times[ti]))
				cv.s(" ")
				cv.num(ax.at(below, p.y1, p.y0))
			}
			cv.s(`Z"/>`)
			pts := make([]pt, len(times))
			for ti, t := range times {
				pts[ti] = pt{xAt(t), ax.at(stack[si][ti], p.y1, p.y0), true}
			}
			cv.polyline(pts, color)
			cv.points(pts, color, p.w(), func(ti int) string {
				below := 0.0
				if si > 0 {
					below = stack[si-1][ti]
				}
				return hoverFor(times[ti], s.Name, stack[si][ti]-below)
			})
			cv.s("</g>")
		}
	} else {
		for si, s := range c.Series {
			color := colors[si]
			pts := make([]pt, len(series[si]))
			for k, q := range series[si] {
				pts[k] = pt{xAt(q.T), ax.at(q.V, p.y1, p.y0), finite(q.V)}
			}
			cv.s(`<g class="gmd-series"`)
			cv.a("data-series", s.Name)
			cv.s(">")
			cv.polyline(pts, color)
			cv.points(pts, color, p.w(), func(k int) string {
				return hoverFor(series[si][k].T, s.Name, series[si][k].V)
			})
			cv.s("</g>")
		}
	}
	cv.s(`</g>`)
	cv.axisTitle(unitTitle(c.Unit), 10, (p.y0+p.y1)/2, p.h(), true)
	return cv.html()
}

// points draws a hoverable dot on every point of a line. When they are too
// dense to tell apart, the dots are transparent (class gmd-dense) but still
// carry their hover titles.
func (c *canvas) points(pts []pt, color string, width float64, hover func(int) string) {
	c.s(`<g class="gmd-points`)
	if float64(len(pts)) > width/8 {
		c.s(` gmd-dense" fill-opacity="0`)
	}
	c.s(`"`)
	c.a("fill", color)
	c.s(">")
	for i, q := range pts {
		if q.ok {
			c.dot(q.x, q.y, 3, hover(i))
		}
	}
	c.s("</g>")
}

func dedupTimes(ts []time.Time) []time.Time {
	out := ts[:0]
	for i, t := range ts {
		if i == 0 || !t.Equal(out[len(out)-1]) {
			out = append(out, t)
		}
	}
	return out
}
