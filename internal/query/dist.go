package query

import (
	"math"
	"slices"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Box summarizes a set of durations, in milliseconds, for a boxplot row.
type Box struct {
	Label                              string
	N                                  int64
	MinMs, Q1Ms, MedianMs, Q3Ms, MaxMs float64
	P95Ms, AvgMs                       float64
}

// boxOf reads a box from a summed rollup: count, average, minimum and
// maximum exactly, quartiles and p95 from the histogram (within 2%).
func boxOf(label string, ru *store.Rollup) Box {
	b := Box{Label: label, N: ru.Count}
	if ru.Count == 0 {
		return b
	}
	b.MinMs, b.MaxMs = ms(ru.Min), ms(ru.Max)
	b.AvgMs = ms(ru.Sum) / float64(ru.Count)
	if len(ru.Hist) > 0 {
		q := ru.Hist.Quantiles(ru.Min, ru.Max, 0.25, 0.5, 0.75, 0.95)
		b.Q1Ms, b.MedianMs, b.Q3Ms, b.P95Ms = ms(q[0]), ms(q[1]), ms(q[2]), ms(q[3])
	}
	return b
}

// addRollup adds src's requests to dst, a sum of rollups that starts as
// the zero Rollup.
func addRollup(dst, src *store.Rollup) {
	if src.Count == 0 {
		return
	}
	if dst.Count == 0 || src.Min < dst.Min {
		dst.Min = src.Min
	}
	dst.Max = max(dst.Max, src.Max)
	dst.Count += src.Count
	dst.Errors += src.Errors
	dst.Sum += src.Sum
	for i, n := range src.Status {
		dst.Status[i] += n
	}
	if len(src.Hist) > 0 {
		if dst.Hist == nil {
			dst.Hist = store.Histogram{}
		}
		dst.Hist.Merge(src.Hist)
	}
}

// exactBox computes a box from raw durations. It sorts ds.
func exactBox(label string, ds []time.Duration) Box {
	b := Box{Label: label, N: int64(len(ds))}
	if len(ds) == 0 {
		return b
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	b.MinMs, b.MaxMs = ms(ds[0]), ms(ds[len(ds)-1])
	b.AvgMs = ms(sum) / float64(len(ds))
	b.Q1Ms, b.MedianMs, b.Q3Ms, b.P95Ms = ms(rank(ds, 0.25)), ms(rank(ds, 0.5)), ms(rank(ds, 0.75)), ms(rank(ds, 0.95))
	return b
}

// rank is the nearest-rank percentile of sorted durations, the method the
// histograms use, so that exact and histogram figures mean the same.
func rank(sorted []time.Duration, q float64) time.Duration {
	r := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(r, 1), len(sorted))-1]
}

// rate is n / of, 0 when of is 0.
func rate(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// change is the relative change from old to cur (0.25: 25% slower); 0
// when old is 0.
func change(old, cur float64) float64 {
	if old == 0 {
		return 0
	}
	return (cur - old) / old
}
