package outlier

import (
	"math"
	"sync/atomic"
	"time"
)

// ewmaWeight is the weight of a new duration in an endpoint's running
// average: about the last 64 requests count. An average over all requests
// since start would never follow a new version that is slower or faster;
// a shorter memory would let a burst of slow requests raise the threshold
// past the very requests it should catch.
const ewmaWeight = 1.0 / 64

// Average is an endpoint's running average of request durations, updated
// without locks.
type Average struct {
	bits atomic.Uint64 // float64 nanoseconds
	n    atomic.Int64  // durations observed
}

// Observe adds a duration. During the warm-up (the first warmUp requests)
// the average is the plain mean. After it, a duration above k times the
// average counts as k times the average, so that one very slow request
// moves the average by at most (k-1)/64 of itself while a lasting change
// is still followed within some hundred requests.
//
// The update is one compare-and-swap; when another request updated the
// average at the same instant, this duration is left out rather than
// retried, which an average of many requests does not notice and which
// keeps the cost bounded under contention.
func (a *Average) Observe(d time.Duration, k float64, warmUp int64) {
	n := a.n.Add(1)
	old := a.bits.Load()
	avg := math.Float64frombits(old)
	x := float64(d)
	w := ewmaWeight
	if n <= warmUp || n <= 64 {
		w = 1 / float64(n)
	}
	if n > warmUp && x > k*avg {
		x = k * avg
	}
	a.bits.CompareAndSwap(old, math.Float64bits(avg+(x-avg)*w))
}

// Load returns the average and the number of durations observed.
func (a *Average) Load() (time.Duration, int64) {
	return time.Duration(math.Float64frombits(a.bits.Load())), a.n.Load()
}

// Reset forgets every duration, for an endpoint whose level changed.
func (a *Average) Reset() {
	a.n.Store(0)
	a.bits.Store(0)
}
