package recorder

import (
	"context"
	"errors"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/measure"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// writeTimeout bounds one transaction, so that a hung database connection
// delays the recorder instead of stopping it.
const writeTimeout = 30 * time.Second

func (r *Recorder) run() {
	defer close(r.done)
	batch := r.newBatch()
	// The writer looks into the ring once per flush interval, and when a
	// producer nudges it (see Add), so
	// an idle service wakes it once a second and a busy one often enough
	// that the ring does not overflow.
	poll := time.NewTicker(r.opts.FlushInterval)
	defer poll.Stop()
	lastFlush := time.Now()
	ctx := context.Background()
	for {
		select {
		case <-poll.C:
		case <-r.wake:
		case cctx := <-r.closing:
			r.drain(cctx, batch)
			return
		}
		batch = r.take(ctx, batch)
		if time.Since(lastFlush) >= r.opts.FlushInterval {
			if len(batch) > 0 {
				r.enqueue(batch)
				batch = r.newBatch()
			}
			r.writeBacklog(ctx, false)
			lastFlush = time.Now()
		}
	}
}

// take moves every sample waiting in the ring into batch, handing full
// batches to the backlog and writing them.
func (r *Recorder) take(ctx context.Context, batch []store.Request) []store.Request {
	var s Sample
	for r.q.pop(&s) {
		batch = append(batch, r.request(s))
		r.taken++
		r.inFlight++
		if len(batch) >= r.opts.BatchSize {
			r.enqueue(batch)
			batch = r.newBatch()
			r.writeBacklog(ctx, false)
		}
	}
	r.publish()
	return batch
}

// drain writes what is queued when Close is called, retrying a failing
// store (with backoff) until ctx ends.
func (r *Recorder) drain(ctx context.Context, batch []store.Request) {
	batch = r.take(ctx, batch)
	if len(batch) > 0 {
		r.enqueue(batch)
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
	}
}

// enqueue adds a batch to the backlog, dropping the oldest rows beyond the
// backlog limit, so that the backlog keeps exactly the newest rows up to
// its limit whatever the sizes of its batches (a flush by time makes short
// ones). The newest batch is never cut.
func (r *Recorder) enqueue(b []store.Request) {
	r.backlog = append(r.backlog, b)
	r.inFlight -= int64(len(b))
	r.backlogRows += int64(len(b))
	limit := int64(max(r.opts.BacklogLimit, r.opts.BatchSize))
	for len(r.backlog) > 1 && r.backlogRows > limit {
		old := r.backlog[0]
		n := int(min(r.backlogRows-limit, int64(len(old))))
		if n == len(old) {
			r.backlog[0] = nil
			r.backlog = r.backlog[1:]
			r.recycle(old)
		} else {
			// Cut the oldest rows off in place, keeping the batch's memory.
			copy(old, old[n:])
			clear(old[len(old)-n:])
			r.backlog[0] = old[:len(old)-n]
		}
		r.backlogRows -= int64(n)
		r.droppedStore += int64(n)
		r.droppedSinceFail += int64(n)
	}
	r.publish()
}

// pendingWork reports whether there is something to write besides rows:
// declarations or counters that changed.
func (r *Recorder) pendingWork() bool {
	r.mu.Lock()
	decl := len(r.endpoints) > 0 || len(r.versions) > 0
	r.mu.Unlock()
	return decl || r.droppedQueue.Load() != r.storedQueueDrops || r.droppedStore != r.storedStoreDrops
}

// writeBacklog writes backlog batches oldest first until one fails. Outside
// Close it respects the backoff after a failure.
func (r *Recorder) writeBacklog(ctx context.Context, closing bool) {
	if !closing && time.Now().Before(r.nextTry) {
		return
	}
	if len(r.backlog) == 0 && r.pendingWork() {
		r.backlog = append(r.backlog, nil) // a batch of declarations and counters only
	}
	for len(r.backlog) > 0 {
		if err := r.writeOne(ctx, r.backlog[0]); err != nil {
			if len(r.backlog[0]) == 0 {
				r.backlog = r.backlog[1:]
			}
			r.fail(err)
			return
		}
		r.backlogRows -= int64(len(r.backlog[0]))
		r.written += int64(len(r.backlog[0]))
		r.publish()
		r.recycle(r.backlog[0])
		r.backlog[0] = nil
		r.backlog = r.backlog[1:]
	}
}

// newBatch returns an empty batch, reusing the memory of written ones so
// that the writer does not make garbage at the rate of the requests.
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

// writeOne writes one batch with the pending declarations and counter
// deltas. On failure the declarations are put back.
func (r *Recorder) writeOne(ctx context.Context, reqs []store.Request) error {
	r.mu.Lock()
	eps, vers := r.endpoints, r.versions
	r.endpoints, r.versions = nil, nil
	r.mu.Unlock()
	dq, ds := r.droppedQueue.Load(), r.droppedStore
	b := &store.Batch{Service: r.opts.Service, Instance: r.opts.Instance, Requests: reqs, Endpoints: eps, Versions: vers}
	if d := dq - r.storedQueueDrops; d != 0 {
		b.Counters = append(b.Counters, store.Counter{Service: r.opts.Service, Instance: r.opts.Instance, Name: store.CounterDroppedQueueFull, Value: d})
	}
	if d := ds - r.storedStoreDrops; d != 0 {
		b.Counters = append(b.Counters, store.Counter{Service: r.opts.Service, Instance: r.opts.Instance, Name: store.CounterDroppedStoreError, Value: d})
	}
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	err := r.store.Write(wctx, b)
	cancel()
	if err != nil {
		r.mu.Lock()
		r.endpoints = append(eps, r.endpoints...)
		r.versions = append(vers, r.versions...)
		r.mu.Unlock()
		return err
	}
	r.storedQueueDrops, r.storedStoreDrops = dq, ds
	r.nextTry = time.Time{}
	r.batches.Add(1)
	if r.failures > 0 {
		r.log.Info("dashboard: writing to the database works again",
			"failed_attempts", r.failures, "rows_dropped_meanwhile", r.droppedSinceFail)
		r.failures = 0
		r.droppedSinceFail = 0
	}
	return nil
}

func (r *Recorder) fail(err error) {
	r.mu.Lock()
	r.lastErr = err.Error()
	r.lastErrAt = time.Now()
	r.mu.Unlock()
	if errors.Is(err, store.ErrNotReady) {
		// The store is still connecting and says so itself, once: no
		// transaction was tried, and asking again costs nothing, so
		// the rows go out soon after it connects.
		r.nextTry = time.Now().Add(r.opts.MinBackoff)
		return
	}
	r.failed.Add(1)
	if r.failures == 0 {
		// Logged once per outage, not per request or per retry.
		r.log.Error("dashboard: writing to the database failed; retrying with backoff and keeping rows in memory (then dropping and counting them)",
			"err", err, "backlog_limit", r.opts.BacklogLimit)
	}
	r.failures++
	r.nextTry = time.Now().Add(r.backoff())
}

func (r *Recorder) backoff() time.Duration {
	d := r.opts.MinBackoff
	for i := 1; i < r.failures && d < r.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.opts.MaxBackoff)
}
