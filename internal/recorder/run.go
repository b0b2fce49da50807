package recorder

import (
	"context"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/measure"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

func (r *Recorder) run() {
	defer close(r.done)
	reqs := r.newBatch()
	// The writer looks into the ring once per flush interval, and when a
	// producer nudges it (see Add), so an idle service wakes it once a
	// second and a busy one often enough that the ring does not overflow.
	poll := time.NewTicker(r.opts.FlushInterval)
	defer poll.Stop()
	lastFlush := time.Now()
	ctx := context.Background()
	for {
		select {
		case <-poll.C:
		case <-r.wake:
		case cctx := <-r.closing:
			r.drain(cctx, reqs)
			return
		}
		reqs = r.take(ctx, reqs)
		if time.Since(lastFlush) >= r.opts.FlushInterval {
			if b := r.collect(reqs, false); !b.empty() {
				r.enqueue(b)
				reqs = r.newBatch()
			}
			r.writeBacklog(ctx, false)
			lastFlush = time.Now()
		}
	}
}

// take moves every sample waiting in the ring into reqs, handing full
// batches to the backlog and writing them.
func (r *Recorder) take(ctx context.Context, reqs []store.Request) []store.Request {
	var s Sample
	for r.q.pop(&s) {
		reqs = append(reqs, r.request(s))
		r.taken++
		r.inFlight++
		if len(reqs) >= r.opts.BatchSize {
			r.enqueue(batch{reqs: reqs})
			reqs = r.newBatch()
			r.writeBacklog(ctx, false)
		}
	}
	r.publish()
	return reqs
}

// collect makes the batch written by time: the requests gathered, and what
// the Source has.
func (r *Recorder) collect(reqs []store.Request, final bool) batch {
	b := batch{reqs: reqs}
	if r.opts.Source != nil {
		extra := &store.Batch{}
		r.opts.Source.Collect(extra, final)
		if len(extra.Outliers)+len(extra.Panics)+len(extra.Profiles) > 0 {
			b.extra = extra
		}
	}
	return b
}

// drain writes what is queued when Close is called, retrying a failing
// store (with backoff) until ctx ends.
func (r *Recorder) drain(ctx context.Context, reqs []store.Request) {
	reqs = r.take(ctx, reqs)
	if b := r.collect(reqs, true); !b.empty() {
		r.enqueue(b)
	}
	for {
		r.writeBacklog(ctx, true)
		if len(r.backlog) == 0 && !r.pendingWork() {
			return
		}
		wait := time.Until(r.nextTry)
		if wait < time.Millisecond {
			wait = time.Millisecond
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (r *Recorder) request(s Sample) store.Request {
	start := s.Start
	if start == 0 {
		start = r.opts.Clock.WallMicros(s.Mono)
	}
	return store.Request{
		Service: r.opts.Service, Instance: r.opts.Instance, Version: r.opts.Version,
		Endpoint: s.Endpoint, Method: s.Method, Status: s.Status,
		Start: time.UnixMicro(start), Duration: s.Duration, Group: s.Group, IP: measure.HostOf(s.IP),
		NoRaw: s.NoRaw,
	}
}
