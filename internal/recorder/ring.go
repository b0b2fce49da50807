package recorder

import "sync/atomic"

// ring is a bounded multi-producer, single-consumer queue of samples.
//
// A buffered channel would do the job, but a send to a channel whose
// reader sleeps wakes that goroutine, which costs about a microsecond per
// request. The ring never wakes anyone: producers claim a slot with one
// compare-and-swap and publish it with one store; the writer goroutine
// polls. Each slot's sequence number says whose turn it is (the scheme of
// Dmitry Vyukov's bounded queue): seq == pos means free for the producer
// of position pos, seq == pos+1 means filled and ready for the consumer.
type ring struct {
	_    [64]byte // keep the hot counters off the cache lines of neighbours
	tail atomic.Uint64
	_    [56]byte
	head atomic.Uint64 // written only by the consumer
	_    [56]byte
	mask uint64
	buf  []slot
}

type slot struct {
	seq atomic.Uint64
	s   Sample
}

// newRing makes a ring holding at least n samples (a power of two).
func newRing(n int) *ring {
	size := uint64(1)
	for size < uint64(n) {
		size <<= 1
	}
	r := &ring{mask: size - 1, buf: make([]slot, size)}
	for i := range r.buf {
		r.buf[i].seq.Store(uint64(i))
	}
	return r
}

// push adds s and returns its position, or returns false when the ring
// is full.
func (r *ring) push(s *Sample) (uint64, bool) {
	for {
		pos := r.tail.Load()
		sl := &r.buf[pos&r.mask]
		seq := sl.seq.Load()
		switch {
		case seq == pos:
			if r.tail.CompareAndSwap(pos, pos+1) {
				sl.s = *s
				sl.seq.Store(pos + 1)
				return pos, true
			}
		case seq < pos:
			return 0, false // the slot still holds a sample from a lap ago: full
		}
		// Another producer took pos; try the next one.
	}
}

// pop removes the oldest sample into s, or returns false when none is
// ready. Only one goroutine may pop.
func (r *ring) pop(s *Sample) bool {
	pos := r.head.Load()
	sl := &r.buf[pos&r.mask]
	if sl.seq.Load() != pos+1 {
		return false
	}
	*s = sl.s
	sl.s = Sample{} // let the strings be collected
	sl.seq.Store(pos + r.mask + 1)
	r.head.Store(pos + 1)
	return true
}

// len returns about how many samples wait.
func (r *ring) len() int {
	n := int64(r.tail.Load() - r.head.Load())
	if n < 0 {
		return 0
	}
	return int(n)
}

// pushed returns how many samples were ever accepted (or are being
// written into their slots).
func (r *ring) pushed() uint64 { return r.tail.Load() }

// capacity returns the number of slots.
func (r *ring) capacity() int { return len(r.buf) }
