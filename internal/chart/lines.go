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

// linesLayout is a Lines chart laid out: series sorted, stacked when asked,
// the value axis, the colors and the plot area, all before any drawing.
type linesLayout struct {
	series      [][]Point // each series sorted by time
	t0, t1      time.Time // the time domain
	span        float64   // t1 - t0 in nanoseconds, never zero
	loc         *time.Location
	hoverLayout string      // time format of the hover titles: as precise as the data
	times       []time.Time // stacked: every time any series has
	stack       [][]float64 // stacked: [series][time] cumulative top
	ax          axis
	colors      []string
	items       []legendItem
	p           area
	legendY, h  float64
}

// SVG renders the chart.
func (c Lines) SVG() template.HTML {
	l, ok := c.layout()
	if !ok {
		return noData("lines", c.Title)
	}
	title := c.Title
	if title == "" {
		title = "Time series"
	}
	size := 1024
	for _, pts := range l.series {
		size += len(pts) * 120
	}
	cv := begin("lines", title, defaultWidth, l.h, size)
	cv.heading(c.Title)
	cv.legend(l.items, 0, l.legendY, defaultWidth)
	cv.yAxis(l.ax, l.p, false, true)
	cv.timeAxis(&l)
	hv := timeHover{layout: l.hoverLayout, loc: l.loc, unit: c.Unit, many: len(c.Series) > 1}
	cv.s(`<g class="gmd-lines">`)
	if c.Stacked {
		c.drawStacked(&cv, &l, &hv)
	} else {
		c.drawLines(&cv, &l, &hv)
	}
	cv.s(`</g>`)
	cv.axisTitle(unitTitle(c.Unit), 10, (l.p.y0+l.p.y1)/2, l.p.h(), true)
	return cv.html()
}

// layout places everything; false when no series has a finite value.
func (c Lines) layout() (linesLayout, bool) {
	l := linesLayout{loc: c.Loc}
	if l.loc == nil {
		l.loc = time.UTC
	}
	var ok bool
	l.series, l.t0, l.t1, l.hoverLayout, ok = sortSeries(c.Series, l.loc)
	if !ok {
		return l, false
	}
	if !l.t1.After(l.t0) {
		l.t0, l.t1 = l.t0.Add(-time.Hour), l.t1.Add(time.Hour)
	}
	var lo, hi float64
	if c.Stacked {
		l.times, l.stack, lo, hi = stackSeries(l.series)
	} else {
		lo, hi = valueRange(l.series)
	}
	l.ax = linearAxis(lo, hi, c.Unit, 5)

	names, given := make([]string, len(c.Series)), make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i], given[i] = s.Name, s.Color
	}
	l.colors = seriesColors(names, given)
	l.items = make([]legendItem, len(names))
	for i, n := range names {
		l.items[i] = legendItem{n, l.colors[i], !c.Stacked}
	}
	const W = defaultWidth
	l.p = area{x0: axisWidth(l.ax), x1: W - 24}
	if unitTitle(c.Unit) != "" {
		l.p.x0 += 18
	}
	if c.Title != "" {
		l.p.y0 = 28
	}
	l.legendY = l.p.y0
	l.p.y0 += legendHeight(l.items, W) + 10
	l.p.y1 = l.p.y0 + plotHeight - 20
	l.h = l.p.y1 + 26
	l.span = float64(l.t1.Sub(l.t0))
	if !(l.span > 0) {
		l.span = 1
	}
	return l, true
}

// x is the horizontal position of a time.
func (l *linesLayout) x(t time.Time) float64 {
	return linear{0, l.span, l.p.x0, l.p.x1}.at(float64(t.Sub(l.t0)))
}

// y is the vertical position of a value.
func (l *linesLayout) y(v float64) float64 { return l.ax.at(v, l.p.y1, l.p.y0) }

// sortSeries copies each series sorted by time, so its line runs left to
// right, and finds the time range of the finite values and the precision
// the hover titles need. ok is false when there is no finite value.
func sortSeries(in []TimeSeries, loc *time.Location) (series [][]Point, t0, t1 time.Time, hoverLayout string, ok bool) {
	series = make([][]Point, len(in))
	withClock, withSeconds := false, false
	for i, s := range in {
		pts := make([]Point, len(s.Points))
		copy(pts, s.Points)
		sort.SliceStable(pts, func(a, b int) bool { return pts[a].T.Before(pts[b].T) })
		series[i] = pts
		for _, q := range pts {
			if !finite(q.V) {
				continue
			}
			if !ok || q.T.Before(t0) {
				t0 = q.T
			}
			if !ok || q.T.After(t1) {
				t1 = q.T
			}
			ok = true
			lt := q.T.In(loc)
			withClock = withClock || lt.Hour() != 0 || lt.Minute() != 0 || lt.Second() != 0
			withSeconds = withSeconds || lt.Second() != 0
		}
	}
	switch {
	case withSeconds:
		hoverLayout = "2006-01-02 15:04:05"
	case withClock:
		hoverLayout = "2006-01-02 15:04"
	default:
		hoverLayout = "2006-01-02"
	}
	return series, t0, t1, hoverLayout, ok
}

// stackSeries gives every series one value at every time any series has,
// a missing or non-finite value counting as 0, and returns the cumulative
// tops, series by series, with their range (which includes zero).
func stackSeries(series [][]Point) (times []time.Time, stack [][]float64, lo, hi float64) {
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
	return times, stack, lo, hi
}

// valueRange is the range of the finite values, zero included.
func valueRange(series [][]Point) (lo, hi float64) {
	for _, pts := range series {
		for _, q := range pts {
			if finite(q.V) {
				lo, hi = math.Min(lo, q.V), math.Max(hi, q.V)
			}
		}
	}
	return lo, hi
}

// timeAxis draws a grid line at every time tick, and the tick labels that
// fit without touching their neighbours or the edge.
func (c *canvas) timeAxis(l *linesLayout) {
	ticks := timeTicks(l.t0, l.t1, l.loc, int(l.p.w()/110))
	c.s(`<g class="gmd-axis gmd-axis-x">`)
	lastEnd := math.Inf(-1)
	for _, tk := range ticks {
		x := l.x(tk.t)
		c.line("gmd-grid", x, l.p.y0, x, l.p.y1, gridColor)
		w := textWidth(tk.label)
		if x-w/2 < lastEnd+8 || x+w/2 > defaultWidth {
			continue
		}
		c.tick(x, l.p.y1+18, "middle", tk.label)
		lastEnd = x + w/2
	}
	c.s(`</g>`)
}

// timeHover writes the hover title of a point: its time, the series name
// when there are several, and the exact value. The buffer is reused.
type timeHover struct {
	buf    []byte
	layout string
	loc    *time.Location
	unit   string
	many   bool
}

func (h *timeHover) text(t time.Time, name string, v float64) string {
	h.buf = t.In(h.loc).AppendFormat(h.buf[:0], h.layout)
	if h.many {
		h.buf = append(h.buf, " · "...)
		h.buf = append(h.buf, name...)
	}
	h.buf = append(h.buf, '\n')
	h.buf = appendExact(h.buf, v, h.unit)
	return string(h.buf)
}

// drawStacked draws each series as an area from the one below it to its
// top, with the top's line and points; a point's hover gives the series'
// own value, not the cumulative one.
func (c Lines) drawStacked(cv *canvas, l *linesLayout, hv *timeHover) {
	for si, s := range c.Series {
		color := l.colors[si]
		below := func(ti int) float64 {
			if si == 0 {
				return 0
			}
			return l.stack[si-1][ti]
		}
		cv.s(`<g class="gmd-series"`)
		cv.a("data-series", s.Name)
		cv.s(">")
		cv.s(`<path class="gmd-area" fill-opacity="0.75"`)
		cv.a("fill", color)
		cv.s(` d="`)
		for ti, t := range l.times {
			if ti == 0 {
				cv.s("M")
			} else {
				cv.s("L")
			}
			cv.num(l.x(t))
			cv.s(" ")
			cv.num(l.y(l.stack[si][ti]))
		}
		for ti := len(l.times) - 1; ti >= 0; ti-- {
			cv.s("L")
			cv.num(l.x(l.times[ti]))
			cv.s(" ")
			cv.num(l.y(below(ti)))
		}
		cv.s(`Z"/>`)
		pts := make([]pt, len(l.times))
		for ti, t := range l.times {
			pts[ti] = pt{l.x(t), l.y(l.stack[si][ti]), true}
		}
		cv.polyline(pts, color)
		cv.points(pts, color, l.p.w(), func(ti int) string {
			return hv.text(l.times[ti], s.Name, l.stack[si][ti]-below(ti))
		})
		cv.s("</g>")
	}
}

// drawLines draws each series as a line broken at its gaps, with points.
func (c Lines) drawLines(cv *canvas, l *linesLayout, hv *timeHover) {
	for si, s := range c.Series {
		color := l.colors[si]
		series := l.series[si]
		pts := make([]pt, len(series))
		for k, q := range series {
			pts[k] = pt{l.x(q.T), l.y(q.V), finite(q.V)}
		}
		cv.s(`<g class="gmd-series"`)
		cv.a("data-series", s.Name)
		cv.s(">")
		cv.polyline(pts, color)
		cv.points(pts, color, l.p.w(), func(k int) string {
			return hv.text(series[k].T, s.Name, series[k].V)
		})
		cv.s("</g>")
	}
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
