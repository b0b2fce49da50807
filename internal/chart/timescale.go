package chart

import "time"

// timeStep is one candidate spacing of time ticks: either a fixed duration
// (seconds to hours, counted from local midnight) or a number of calendar
// days, months or years, so ticks fall on dates a reader expects.
type timeStep struct {
	d              time.Duration
	days, months   int
	years          int
	approx         time.Duration // for choosing the step
	layout         string        // tick label layout
	midnightLayout string        // layout of a tick at local midnight, "" = layout
}

// timeSteps lists the candidates, finest first.
func timeSteps() [27]timeStep {
	return [...]timeStep{
		{d: time.Second, approx: time.Second, layout: "15:04:05"},
		{d: 2 * time.Second, approx: 2 * time.Second, layout: "15:04:05"},
		{d: 5 * time.Second, approx: 5 * time.Second, layout: "15:04:05"},
		{d: 15 * time.Second, approx: 15 * time.Second, layout: "15:04:05"},
		{d: 30 * time.Second, approx: 30 * time.Second, layout: "15:04:05"},
		{d: time.Minute, approx: time.Minute, layout: "15:04", midnightLayout: "Jan 2"},
		{d: 2 * time.Minute, approx: 2 * time.Minute, layout: "15:04", midnightLayout: "Jan 2"},
		{d: 5 * time.Minute, approx: 5 * time.Minute, layout: "15:04", midnightLayout: "Jan 2"},
		{d: 15 * time.Minute, approx: 15 * time.Minute, layout: "15:04", midnightLayout: "Jan 2"},
		{d: 30 * time.Minute, approx: 30 * time.Minute, layout: "15:04", midnightLayout: "Jan 2"},
		{d: time.Hour, approx: time.Hour, layout: "15:04", midnightLayout: "Jan 2"},
		{d: 2 * time.Hour, approx: 2 * time.Hour, layout: "15:04", midnightLayout: "Jan 2"},
		{d: 3 * time.Hour, approx: 3 * time.Hour, layout: "15:04", midnightLayout: "Jan 2"},
		{d: 6 * time.Hour, approx: 6 * time.Hour, layout: "15:04", midnightLayout: "Jan 2"},
		{d: 12 * time.Hour, approx: 12 * time.Hour, layout: "15:04", midnightLayout: "Jan 2"},
		{days: 1, approx: 24 * time.Hour, layout: "Jan 2"},
		{days: 2, approx: 48 * time.Hour, layout: "Jan 2"},
		{days: 7, approx: 7 * 24 * time.Hour, layout: "Jan 2"}, // Mondays
		{months: 1, approx: 30 * 24 * time.Hour, layout: "Jan 2006"},
		{months: 3, approx: 91 * 24 * time.Hour, layout: "Jan 2006"},
		{months: 6, approx: 182 * 24 * time.Hour, layout: "Jan 2006"},
		{years: 1, approx: 365 * 24 * time.Hour, layout: "2006"},
		{years: 2, approx: 2 * 365 * 24 * time.Hour, layout: "2006"},
		{years: 5, approx: 5 * 365 * 24 * time.Hour, layout: "2006"},
		{years: 10, approx: 10 * 365 * 24 * time.Hour, layout: "2006"},
		{years: 50, approx: 50 * 365 * 24 * time.Hour, layout: "2006"},
		{years: 100, approx: 100 * 365 * 24 * time.Hour, layout: "2006"},
	}
}

type timeTick struct {
	t     time.Time
	label string
}

// timeTicks returns ticks inside [t0, t1] at the smallest calendar step that
// gives at most maxTicks of them, labelled in loc.
func timeTicks(t0, t1 time.Time, loc *time.Location, maxTicks int) []timeTick {
	if loc == nil {
		loc = time.UTC
	}
	if maxTicks < 2 {
		maxTicks = 2
	}
	span := t1.Sub(t0)
	steps := timeSteps()
	st := steps[len(steps)-1]
	for _, s := range steps {
		if span/s.approx <= time.Duration(maxTicks) {
			st = s
			break
		}
	}
	t0, t1 = t0.In(loc), t1.In(loc)
	var ticks []timeTick
	add := func(t time.Time) {
		if t.Before(t0) || t.After(t1) {
			return
		}
		if n := len(ticks); n > 0 && !t.After(ticks[n-1].t) {
			return // a daylight-saving change can repeat or reorder wall-clock times
		}
		layout := st.layout
		if st.midnightLayout != "" && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			layout = st.midnightLayout
		}
		ticks = append(ticks, timeTick{t, t.Format(layout)})
	}
	y, m, d := t0.Date()
	// The loops are bounded: far more iterations than maxTicks means a
	// degenerate range, and a chart needs only a handful of ticks.
	const limit = 1000
	switch {
	case st.d > 0:
		// Steps within a day count wall-clock time from local midnight, so
		// that a 6-hour step gives 00:00, 06:00, 12:00, 18:00 on the day
		// daylight-saving time starts as on any other.
		secs := int(st.d / time.Second)
		day := time.Date(y, m, d, 0, 0, 0, 0, loc)
		for i := 0; i < limit && !day.After(t1); i++ {
			dy, dm, dd := day.Date()
			k := 0
			if dy == y && dm == m && dd == d {
				k = (t0.Hour()*3600 + t0.Minute()*60 + t0.Second()) / secs
			}
			for j := 0; k*secs < 86400 && j < limit; k, j = k+1, j+1 {
				t := time.Date(dy, dm, dd, 0, 0, k*secs, 0, loc)
				if t.After(t1) {
					break
				}
				add(t)
			}
			day = time.Date(dy, dm, dd+1, 0, 0, 0, 0, loc)
		}
	case st.days > 0:
		day := time.Date(y, m, d, 0, 0, 0, 0, loc)
		if st.days == 7 {
			day = time.Date(y, m, d-(int(day.Weekday())+6)%7, 0, 0, 0, 0, loc)
		}
		for i := 0; i < limit && !day.After(t1); i++ {
			add(day)
			day = time.Date(day.Year(), day.Month(), day.Day()+st.days, 0, 0, 0, 0, loc)
		}
	case st.months > 0:
		mm := (int(m) - 1) / st.months * st.months
		t := time.Date(y, time.Month(mm+1), 1, 0, 0, 0, 0, loc)
		for i := 0; i < limit && !t.After(t1); i++ {
			add(t)
			t = time.Date(t.Year(), t.Month()+time.Month(st.months), 1, 0, 0, 0, 0, loc)
		}
	default:
		t := time.Date(y/st.years*st.years, 1, 1, 0, 0, 0, 0, loc)
		for i := 0; i < limit && !t.After(t1); i++ {
			add(t)
			t = time.Date(t.Year()+st.years, 1, 1, 0, 0, 0, 0, loc)
		}
	}
	return ticks
}
