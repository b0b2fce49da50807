package recorder

import (
	"slices"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// batch is one transaction's worth: request rows, and what the Source
// gave with it.
type batch struct {
	reqs  []store.Request
	extra *store.Batch // Outliers, Panics and Profiles; nil when none
	bytes int64        // estimated memory, set by enqueue
}

func (b *batch) empty() bool { return len(b.reqs) == 0 && b.extra == nil }

// Estimated sizes, for the backlog's bound in bytes: a row's fixed part
// and what its strings and byte slices refer to. Strings the rows share
// (service, instance, version) are not counted.
const (
	requestSize = 160
	extraSize   = 256
	frameSize   = 64
)

func requestBytes(q *store.Request) int64 {
	return requestSize + int64(len(q.Endpoint)+len(q.Method)+len(q.Group)+len(q.IP))
}

func extraBytes(e *store.Batch) int64 {
	if e == nil {
		return 0
	}
	var n int64
	for i := range e.Outliers {
		o := &e.Outliers[i]
		n += extraSize + int64(len(o.Endpoint)+len(o.Method)+len(o.URL)+len(o.Goroutines))
		for _, kv := range o.Headers {
			n += int64(32 + len(kv.Key) + len(kv.Value))
		}
		for _, kv := range o.Values {
			n += int64(32 + len(kv.Key) + len(kv.Value))
		}
		for _, f := range o.Stack {
			n += int64(frameSize + len(f.Func) + len(f.File))
		}
		n += int64(8 * len(o.Host.CPUPercent))
	}
	for i := range e.Panics {
		p := &e.Panics[i]
		n += extraSize + int64(len(p.Endpoint)+len(p.Signature)+len(p.Value)+len(p.Stack))
	}
	for i := range e.Profiles {
		p := &e.Profiles[i]
		n += extraSize + int64(len(p.Endpoint)+len(p.Data))
	}
	return n
}

// enqueue adds a batch to the backlog and keeps the backlog within its
// bounds, dropping the oldest first. The newest batch is never cut.
//
// Rows: the backlog keeps exactly the newest request rows up to its limit,
// whatever the sizes of its batches (a flush by time makes short ones): it
// cuts rows off the oldest batches rather than dropping batches whole. The
// Source's rows do not count here: they are few, and bounded by bytes.
// Bytes: beyond the bound, the oldest batches go whole, with the Source's
// rows, which are handed back to it to be counted.
func (r *Recorder) enqueue(b batch) {
	for i := range b.reqs {
		b.bytes += requestBytes(&b.reqs[i])
	}
	b.bytes += extraBytes(b.extra)
	r.backlog = append(r.backlog, b)
	r.inFlight -= int64(len(b.reqs))
	r.backlogRows += int64(len(b.reqs))
	r.backlogBytes += b.bytes
	limit := int64(max(r.opts.BacklogLimit, r.opts.BatchSize))
	for i := 0; r.backlogRows > limit && i < len(r.backlog)-1; i++ {
		old := &r.backlog[i]
		n := int(min(r.backlogRows-limit, int64(len(old.reqs))))
		var gone int64
		for j := range old.reqs[:n] {
			gone += requestBytes(&old.reqs[j])
		}
		// Cut the oldest rows off in place, keeping the batch's memory.
		copy(old.reqs, old.reqs[n:])
		clear(old.reqs[len(old.reqs)-n:])
		old.reqs = old.reqs[:len(old.reqs)-n]
		old.bytes -= gone
		r.backlogBytes -= gone
		r.backlogRows -= int64(n)
		r.droppedStore += int64(n)
		r.droppedSinceFail += int64(n)
	}
	r.backlog = slices.DeleteFunc(r.backlog, func(b batch) bool {
		if b.empty() {
			r.recycle(b.reqs)
			return true
		}
		return false
	})
	for len(r.backlog) > 1 && r.backlogBytes > r.opts.BacklogBytes {
		r.dropOldest()
	}
	r.publish()
}

// dropOldest drops the oldest batch of the backlog, counting what it held.
func (r *Recorder) dropOldest() {
	old := r.backlog[0]
	r.backlog[0] = batch{}
	r.backlog = r.backlog[1:]
	n := int64(len(old.reqs))
	r.backlogRows -= n
	r.backlogBytes -= old.bytes
	r.droppedStore += n
	r.droppedSinceFail += n
	if old.extra != nil && r.opts.Source != nil {
		r.opts.Source.Dropped(old.extra)
	}
	r.recycle(old.reqs)
}

// newBatch returns an empty slice of requests, reusing the memory of
// written ones so that the writer does not make garbage at the rate of the
// requests.
func (r *Recorder) newBatch() []store.Request {
	if n := len(r.free); n > 0 {
		b := r.free[n-1]
		r.free = r.free[:n-1]
		return b
	}
	return make([]store.Request, 0, r.opts.BatchSize)
}

// recycle keeps a written batch's memory for reuse. Stores do not keep the
// slice after Write returns.
func (r *Recorder) recycle(b []store.Request) {
	if cap(b) != r.opts.BatchSize || len(r.free) >= 4 {
		return
	}
	clear(b) // drop the strings the rows refer to
	r.free = append(r.free, b[:0])
}
