package query

import (
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Scope is what every read model reads and how it presents time.
type Scope struct {
	Store   store.Store
	Service string
	// Loc is the time zone of days and hours of the day (the TIMEZONE
	// setting). Nil means UTC.
	Loc *time.Location
	// Now is the moment pages are computed for. Zero means time.Now().
	Now time.Time
}

func (sc Scope) loc() *time.Location {
	if sc.Loc == nil {
		return time.UTC
	}
	return sc.Loc
}

func (sc Scope) now() time.Time {
	if sc.Now.IsZero() {
		return time.Now()
	}
	return sc.Now
}

// Window is a time range [Since, Until). A zero Since or Until leaves that
// end open; the zero Window is all time.
type Window struct {
	Since, Until time.Time
}

// IsZero reports whether w is all time.
func (w Window) IsZero() bool { return w.Since.IsZero() && w.Until.IsZero() }

// LastDays returns the window of n calendar days in loc that ends with the
// day holding now: from midnight n-1 days before now's day to the next
// midnight.
func LastDays(now time.Time, loc *time.Location, n int) Window {
	if loc == nil {
		loc = time.UTC
	}
	g := newDayGrid(now, loc, n)
	return Window{Since: g.since(), Until: g.until()}
}

// Point is one value of a time series.
type Point struct {
	T time.Time
	V float64
}

// Series is a named row of values, one per label of the chart it belongs to.
type Series struct {
	Name   string
	Values []float64
}

// ms converts a duration to float64 milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// civil is a calendar date as a number (20260304) for map keys.
type civil int

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil(y*10000 + int(m)*100 + d)
}

// dayGrid is a run of consecutive calendar days in a time zone, and puts
// UTC hours into them.
type dayGrid struct {
	loc   *time.Location
	days  []time.Time // midnight of each day, oldest first
	index map[civil]int
}

// newDayGrid returns the n days ending with the day that holds now.
func newDayGrid(now time.Time, loc *time.Location, n int) dayGrid {
	n = max(n, 1)
	ln := now.In(loc)
	y, m, d := ln.Date()
	return dayRange(loc, time.Date(y, m, d-(n-1), 12, 0, 0, 0, loc), n)
}

// dayGridFor returns the days that hold the window's instants.
func dayGridFor(w Window, loc *time.Location) dayGrid {
	first := w.Since.In(loc)
	last := w.Until.Add(-time.Nanosecond).In(loc)
	y1, m1, d1 := first.Date()
	y2, m2, d2 := last.Date()
	// Whole days between the two dates, counted at noon (DST shifts are
	// at most a few hours).
	a := time.Date(y1, m1, d1, 12, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 12, 0, 0, 0, time.UTC)
	n := int(b.Sub(a).Hours()/24+0.5) + 1
	return dayRange(loc, time.Date(y1, m1, d1, 12, 0, 0, 0, loc), max(n, 1))
}

// dayRange returns n days from the one holding noon (a time that exists on
// every day, whatever daylight saving time does at midnight).
func dayRange(loc *time.Location, noon time.Time, n int) dayGrid {
	g := dayGrid{loc: loc, index: make(map[civil]int, n)}
	y, m, d := noon.Date()
	for i := 0; i < n; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		g.index[civilOf(time.Date(y, m, d+i, 12, 0, 0, 0, loc))] = i
		g.days = append(g.days, day)
	}
	return g
}

func (g dayGrid) since() time.Time { return g.days[0] }

func (g dayGrid) until() time.Time {
	y, m, d := g.days[len(g.days)-1].Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, g.loc)
}

// at returns the day and hour of the day in which the UTC hour starting at
// t starts; ok is false outside the grid.
func (g dayGrid) at(t time.Time) (day, hour int, ok bool) {
	lt := t.In(g.loc)
	day, ok = g.index[civilOf(lt)]
	return day, lt.Hour(), ok
}

// labels returns the days as chart labels ("Mar 4").
func (g dayGrid) labels() []string {
	out := make([]string, len(g.days))
	for i, d := range g.days {
		out[i] = d.Format("Jan 2")
	}
	return out
}
