package store

import (
	"math"
	"sort"
	"time"
)

// Histogram counts durations in log-scale buckets: bucket i holds durations
// in (γ^(i-1), γ^i] microseconds with γ = 1.04, and bucket 0 holds everything
// up to 1µs. Reporting a bucket by the value 2γ^i/(γ+1) is off by at most
// (γ-1)/(γ+1) ≈ 1.96% of any duration in it, so percentiles read from a
// histogram are within 2% of the exact ones, whatever the spread of the
// data. An hour of one endpoint rarely touches more than a few dozen
// buckets; one day of durations spans about 650.
//
// The map is keyed by bucket index; it is sparse.
type Histogram map[int]int64

// HistGamma is the ratio between the bounds of consecutive buckets.
const HistGamma = 1.04

var logGamma = math.Log(HistGamma)

// Bucket returns the bucket index of d.
func Bucket(d time.Duration) int {
	us := float64(d) / float64(time.Microsecond)
	if us <= 1 {
		return 0
	}
	b := int(math.Ceil(math.Log(us) / logGamma))
	// Guard against rounding putting an exact bound one bucket too high.
	if b > 0 && math.Pow(HistGamma, float64(b-1)) >= us {
		b--
	}
	return b
}

// BucketValue returns the duration that represents bucket b.
func BucketValue(b int) time.Duration {
	if b <= 0 {
		return time.Microsecond
	}
	us := 2 * math.Pow(HistGamma, float64(b)) / (HistGamma + 1)
	return time.Duration(us * float64(time.Microsecond))
}

// Add counts one duration.
func (h Histogram) Add(d time.Duration) { h[Bucket(d)]++ }

// Merge adds the counts of o to h.
func (h Histogram) Merge(o Histogram) {
	for b, n := range o {
		h[b] += n
	}
}

// Count returns the number of durations counted.
func (h Histogram) Count() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Quantiles returns, for each q in qs (0 ≤ q ≤ 1), the duration below
// which a fraction q of the counted durations lie, using the nearest-rank
// method on buckets. The result is clamped to [lo, hi] when those are
// known (non-zero hi), which makes p0 and p100 exact. An empty histogram
// gives zeros.
func (h Histogram) Quantiles(lo, hi time.Duration, qs ...float64) []time.Duration {
	out := make([]time.Duration, len(qs))
	total := h.Count()
	if total == 0 {
		return out
	}
	keys := make([]int, 0, len(h))
	for b := range h {
		keys = append(keys, b)
	}
	sort.Ints(keys)
	for i, q := range qs {
		rank := int64(math.Ceil(q * float64(total)))
		if rank < 1 {
			rank = 1
		}
		var seen int64
		for _, b := range keys {
			seen += h[b]
			if seen >= rank {
				out[i] = BucketValue(b)
				break
			}
		}
		if hi > 0 {
			out[i] = min(max(out[i], lo), hi)
		}
	}
	return out
}
