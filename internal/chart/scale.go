package chart

import (
	"math"
	"strconv"
	"strings"
)

// maxDomain bounds every value used to build a scale, so that the span of a
// domain can never overflow to infinity; charts of larger values are
// meaningless anyway.
const maxDomain = 1e18

// finite reports whether v is a number a chart can place.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func clampDomain(v float64) float64 {
	return math.Max(-maxDomain, math.Min(maxDomain, v))
}

// niceStep returns a step of the form {1, 2, 2.5, 5} × 10^k close to raw,
// rounding up so that at most the wanted number of ticks fit.
func niceStep(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	exp := math.Floor(math.Log10(raw))
	pow := math.Pow(10, exp)
	f := raw / pow
	switch {
	case f <= 1:
		f = 1
	case f <= 2:
		f = 2
	case f <= 2.5:
		f = 2.5
	case f <= 5:
		f = 5
	default:
		f = 10
	}
	return f * pow
}

// niceTicks extends [lo, hi] to multiples of a nice step giving at most
// about maxTicks intervals, and returns the extended bounds and the step.
func niceTicks(lo, hi float64, maxTicks int) (nlo, nhi, step float64) {
	if !finite(lo) || !finite(hi) {
		lo, hi = 0, 1
	}
	lo, hi = clampDomain(lo), clampDomain(hi)
	if lo > hi {
		lo, hi = hi, lo
	}
	if hi == lo {
		switch {
		case lo == 0:
			hi = 1
		case lo > 0:
			lo = 0
		default:
			hi = 0
		}
	}
	if maxTicks < 1 {
		maxTicks = 1
	}
	step = niceStep((hi - lo) / float64(maxTicks))
	nlo = math.Floor(lo/step) * step
	nhi = math.Ceil(hi/step) * step
	// Rounding in the divisions can leave one step too many.
	for (nhi-nlo)/step > float64(maxTicks)+0.5 {
		step = niceStep(step * 1.01)
		nlo = math.Floor(lo/step) * step
		nhi = math.Ceil(hi/step) * step
	}
	return nlo, nhi, step
}

// axisUnit is the unit in which an axis writes its tick labels: values are
// divided by div and followed by suffix, so that a duration axis reads
// "0 s, 0.5 s, 1 s" rather than "0 ms, 500 ms, 1000 ms", and a count axis
// "0, 20k, 40k".
type axisUnit struct {
	div    float64
	suffix string
}

// pickAxisUnit chooses the display unit from the largest magnitude on the axis.
func pickAxisUnit(unit string, maxAbs float64) axisUnit {
	switch unit {
	case "ms", "s":
		f := 1.0
		if unit == "s" {
			f = 1000 // the axis works in milliseconds, like Format
		}
		ms := maxAbs * f
		switch {
		case ms < 1000:
			return axisUnit{1 / f, " ms"}
		case ms < 120000:
			return axisUnit{1000 / f, " s"}
		case ms < 2*3600000:
			return axisUnit{60000 / f, " min"}
		}
		return axisUnit{3600000 / f, " h"}
	case "%":
		return axisUnit{1, "%"}
	case "B":
		for i, s := range []string{" B", " kB", " MB", " GB", " TB"} {
			if d := math.Pow(1000, float64(i)); maxAbs < d*1000 || i == 4 {
				return axisUnit{d, s}
			}
		}
	}
	switch {
	case maxAbs < 1e4:
		return axisUnit{1, ""}
	case maxAbs < 1e6:
		return axisUnit{1e3, "k"}
	case maxAbs < 1e9:
		return axisUnit{1e6, "M"}
	case maxAbs < 1e12:
		return axisUnit{1e9, "B"}
	}
	return axisUnit{1e12, "T"}
}

// linear maps a domain onto a range of coordinates.
type linear struct {
	d0, d1, r0, r1 float64
}

func (s linear) at(v float64) float64 {
	if !finite(v) {
		v = s.d0
	}
	d := s.d1 - s.d0
	if d == 0 || !finite(d) {
		return s.r0
	}
	p := s.r0 + (v-s.d0)/d*(s.r1-s.r0)
	// Values outside the domain (never drawn by our charts, but possible on
	// bad input) stay near the plot instead of running off to huge numbers.
	lo, hi := math.Min(s.r0, s.r1), math.Max(s.r0, s.r1)
	span := hi - lo
	return math.Max(lo-span, math.Min(hi+span, p))
}

// axis is a value axis: its domain, tick values and their labels.
type axis struct {
	lo, hi float64
	ticks  []float64
	labels []string
	log    bool
}

// linearAxis builds an axis covering [lo, hi] and zero: bars and durations
// are read against zero, and a scale that starts elsewhere exaggerates
// differences.
func linearAxis(lo, hi float64, unit string, maxTicks int) axis {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if !finite(lo) {
		lo = 0
	}
	if !finite(hi) {
		hi = 0
	}
	lo, hi = clampDomain(lo), clampDomain(hi)
	u := pickAxisUnit(unit, math.Max(math.Abs(lo), math.Abs(hi)))
	nlo, nhi, step := niceTicks(lo/u.div, hi/u.div, maxTicks)
	dec := decimals(step)
	a := axis{lo: nlo * u.div, hi: nhi * u.div}
	n := int(math.Round((nhi - nlo) / step))
	for i := 0; i <= n; i++ {
		v := nlo + float64(i)*step
		a.ticks = append(a.ticks, v*u.div)
		a.labels = append(a.labels, tickLabel(v, dec, u.suffix))
	}
	return a
}

// logAxis builds a base-10 logarithmic axis over the positive range [lo, hi].
func logAxis(lo, hi float64, unit string) axis {
	if !(lo > 0) || !finite(lo) {
		lo = 1
	}
	if !(hi > 0) || !finite(hi) {
		hi = lo
	}
	lo, hi = math.Max(1e-12, math.Min(lo, maxDomain)), math.Max(1e-12, math.Min(hi, maxDomain))
	if lo > hi {
		lo, hi = hi, lo
	}
	e0 := math.Floor(math.Log10(lo))
	e1 := math.Ceil(math.Log10(hi))
	if e1 <= e0 {
		e1 = e0 + 1
	}
	a := axis{lo: math.Pow(10, e0), hi: math.Pow(10, e1), log: true}
	mults := []float64{1, 2, 5}
	if e1-e0 > 3 {
		mults = []float64{1}
	}
	every := 1.0
	for (e1-e0)/every > 10 {
		every *= 2
	}
	for e := e0; e <= e1; e += every {
		for _, m := range mults {
			v := m * math.Pow(10, e)
			if v > a.hi*1.0001 {
				break
			}
			a.ticks = append(a.ticks, v)
			a.labels = append(a.labels, Format(v, unit))
		}
	}
	return a
}

// scale maps the axis onto the coordinates r0 (at lo) to r1 (at hi).
func (a axis) at(v, r0, r1 float64) float64 {
	if a.log {
		if !(v > 0) {
			v = a.lo
		}
		return linear{math.Log10(a.lo), math.Log10(a.hi), r0, r1}.at(math.Log10(v))
	}
	return linear{a.lo, a.hi, r0, r1}.at(v)
}

// decimals returns how many decimals show a multiple of step exactly.
func decimals(step float64) int {
	for d := 0; d < 12; d++ {
		p := math.Pow(10, float64(d))
		if math.Abs(step*p-math.Round(step*p)) < 1e-6*step*p {
			return d
		}
	}
	return 12
}

func tickLabel(v float64, dec int, suffix string) string {
	if math.Abs(v) < 1e-12 {
		switch suffix {
		case "k", "M", "B", "T":
			return "0" // "0k" reads oddly
		}
		v = 0
	}
	var b []byte
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	// Trailing zeros go: "5k" next to "7.5k" reads better than "5.0k".
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if frac != "" {
		frac = "." + frac
	}
	b = appendThousands(b, intPart)
	b = append(b, frac...)
	return string(append(b, suffix...))
}

// alignedAxis builds an axis from zero with exactly n intervals of a nice
// step covering hi, so that its ticks fall on the grid lines of another
// axis with n intervals (the right-hand axis of a bar chart).
func alignedAxis(hi float64, n int, unit string) axis {
	hi = clampDomain(hi)
	if !(hi > 0) {
		hi = 1
	}
	if n < 1 {
		n = 1
	}
	u := pickAxisUnit(unit, hi)
	step := niceStep(hi / u.div / float64(n))
	dec := decimals(step)
	a := axis{lo: 0, hi: float64(n) * step * u.div}
	for i := 0; i <= n; i++ {
		v := float64(i) * step
		a.ticks = append(a.ticks, v*u.div)
		a.labels = append(a.labels, tickLabel(v, dec, u.suffix))
	}
	return a
}
