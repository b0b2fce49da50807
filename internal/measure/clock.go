package measure

import (
	"sync/atomic"
	"time"
)

// Clock times requests with two monotonic clock reads, where time.Now()
// and time.Since would make three (time.Now reads the wall clock too). The
// wall time of a request's start is derived from its monotonic reading
// through an offset that is re-read from the wall clock every second, so
// it follows clock adjustments within a second and never goes wrong by
// more than the clock's slew in that second.
type Clock struct {
	epoch  time.Time    // carries a monotonic reading
	offset atomic.Int64 // wall µs minus monotonic µs since epoch
	next   atomic.Int64 // monotonic ns since epoch at which to re-read the offset
}

// reanchorEvery is how often the wall clock is read again.
const reanchorEvery = time.Second

// NewClock returns a Clock anchored now.
func NewClock() *Clock {
	c := &Clock{epoch: time.Now()}
	c.reanchor()
	return c
}

// Mono returns the monotonic time since the clock was made.
func (c *Clock) Mono() time.Duration { return time.Since(c.epoch) }

// WallMicros returns the wall time, in Unix microseconds, of the moment
// whose Mono reading was mono.
func (c *Clock) WallMicros(mono time.Duration) int64 {
	if int64(mono) >= c.next.Load() {
		c.reanchor()
	}
	return mono.Microseconds() + c.offset.Load()
}

func (c *Clock) reanchor() {
	now := time.Now()
	mono := now.Sub(c.epoch)
	c.offset.Store(now.UnixMicro() - mono.Microseconds())
	c.next.Store(int64(mono + reanchorEvery))
}
