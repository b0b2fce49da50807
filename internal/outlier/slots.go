package outlier

import (
	"context"
	"fmt"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"time"
)

// Endpoint is the outlier state of one endpoint. The dashboard keeps one
// per endpoint for as long as it runs.
type Endpoint struct {
	Name string
	Avg  Average
}

// Slot states, in the low bits of a slot's word, then a bit for profiled
// requests; the rest is a generation that grows with each request the slot serves, so that the
// watchdog never acts on a slot that changed hands since it looked.
const (
	stateFree     = 0
	stateClaimed  = 1 // being filled in by the request goroutine
	stateArmed    = 2 // running, watched
	stateCaptured = 3 // the watchdog took (or is taking) a capture
	stateSkipped  = 4 // past its threshold, but the rate limit said no
	stateBits     = 3
	stateMask     = 1<<stateBits - 1
	profileBit    = 1 << stateBits // the request is profiled (level 3)
	genShift      = stateBits + 1
)

// slot is one in-flight request. Every field the watchdog reads is atomic
// (an atomic store is an exchange on amd64, so they are few: start,
// deadline, endpoint and the word);
// capture is written only by the watchdog, before the compare-and-swap that
// marks the slot captured, and read by the request goroutine only after it
// saw that state.
type slot struct {
	word     atomic.Uint64
	start    atomic.Int64 // monotonic ns (the dashboard's clock)
	deadline atomic.Int64 // monotonic ns past which the request is an outlier
	ep       atomic.Pointer[Endpoint]
	capture  atomic.Pointer[capture]
	labels   context.Context // carries this slot's pprof label; made once
	_        [64]byte
}

// labelKey is the pprof label that marks the goroutine of a watched
// request. Its value names the monitor and the slot.
const labelKey = "gmd_request"

// noDeadline marks a request that cannot be an outlier (warm-up).
const noDeadline = int64(1<<63 - 1)

type table struct {
	slots  []slot
	mask   uint64
	next   atomic.Uint64 // where the next claim starts looking
	prefix string        // label value prefix, unique per monitor
}

// probes is how many slots a claim tries before giving up: a table that
// is nearly full is a sign of more watched requests in flight than it was
// sized for, and they run unwatched (and are counted) rather than search.
const probes = 16

func newTable(n int, owner any) *table {
	size := 1
	for size < n {
		size <<= 1
	}
	t := &table{slots: make([]slot, size), mask: uint64(size - 1), prefix: fmt.Sprintf("%p/", owner)}
	for i := range t.slots {
		t.slots[i].labels = pprof.WithLabels(context.Background(), pprof.Labels(labelKey, t.prefix+strconv.Itoa(i)))
	}
	return t
}

// Handle is a claimed slot, returned by Arm and given back to Disarm.
type Handle struct {
	s   *slot
	gen uint64
}

// Valid reports whether the request got a slot.
func (h Handle) Valid() bool { return h.s != nil }

// Labels returns the context whose pprof labels mark the request's
// goroutine (pprof.SetGoroutineLabels).
func (h Handle) Labels() context.Context { return h.s.labels }

func (t *table) claim(ep *Endpoint, start, deadline int64, profile bool) Handle {
	i := t.next.Add(1)
	for k := uint64(0); k < probes; k++ {
		s := &t.slots[(i+k)&t.mask]
		w := s.word.Load()
		if w&stateMask != stateFree {
			continue
		}
		gen := w>>genShift + 1
		if !s.word.CompareAndSwap(w, gen<<genShift|stateClaimed) {
			continue
		}
		s.start.Store(start)
		s.deadline.Store(deadline)
		s.ep.Store(ep)
		armed := gen<<genShift | stateArmed
		if profile {
			armed |= profileBit
		}
		s.word.Store(armed)
		return Handle{s, gen}
	}
	return Handle{}
}

// release frees the slot and returns the state it was in, and the capture
// when the watchdog took one.
func (t *table) release(h Handle) (state uint64, c *capture) {
	old := h.s.word.Swap(h.gen<<genShift | stateFree)
	state = old & stateMask
	if state == stateCaptured {
		c = h.s.capture.Load()
	}
	return state, c
}

// deadlineFor returns the monotonic time past which a request of ep that
// started at start is an outlier.
func (m *Monitor) deadlineFor(ep *Endpoint, start int64) int64 {
	a, n := ep.Avg.Load()
	if n < m.opts.MinRequests {
		return noDeadline
	}
	thr := max(time.Duration(float64(a)*m.opts.Constant), m.opts.MinDuration)
	return start + int64(thr)
}
