package report

import (
	"math"
	"slices"
)

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of xs by linear
// interpolation between the order statistics (the "type 7" definition of
// R and NumPy). xs is not changed. An empty sample gives NaN.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return quantileSorted(s, q)
}

func quantileSorted(s []float64, q float64) float64 {
	h := q * float64(len(s)-1)
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// Median returns the median of xs.
func Median(xs []float64) float64 { return Quantile(xs, 0.5) }

// Box is the five-number summary of a sample, for a box plot.
type Box struct {
	N                        int64
	Min, Q1, Median, Q3, Max float64
}

// BoxOf summarizes xs.
func BoxOf(xs []float64) Box {
	if len(xs) == 0 {
		return Box{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return Box{N: int64(len(s)), Min: s[0], Q1: quantileSorted(s, 0.25), Median: quantileSorted(s, 0.5),
		Q3: quantileSorted(s, 0.75), Max: s[len(s)-1]}
}
