package recorder

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// writeTimeout bounds one transaction, so that a hung database connection
// delays the recorder instead of stopping it.
const writeTimeout = 30 * time.Second

// pendingWork reports whether there is something to write besides rows:
// declarations or counters that changed.
func (r *Recorder) pendingWork() bool {
	r.mu.Lock()
	decl := len(r.endpoints) > 0 || len(r.versions) > 0
	r.mu.Unlock()
	return decl || len(r.counterDeltas(nil)) > 0
}

// counters returns every counter's value now: the recorder's and the
// Source's.
func (r *Recorder) counters() map[string]int64 {
	now := map[string]int64{
		store.CounterDroppedQueueFull:  r.droppedQueue.Load(),
		store.CounterDroppedStoreError: r.droppedStore,
	}
	if r.opts.Source != nil {
		for _, c := range r.opts.Source.Counters() {
			now[c.Name] = c.Value
		}
	}
	return now
}

// counterDeltas returns the changes since the counters were last written,
// by name. now nil reads the counters.
func (r *Recorder) counterDeltas(now map[string]int64) []store.Counter {
	if now == nil {
		now = r.counters()
	}
	var cs []store.Counter
	for name, v := range now {
		if d := v - r.stored[name]; d != 0 {
			cs = append(cs, store.Counter{Service: r.opts.Service, Instance: r.opts.Instance, Name: name, Value: d})
		}
	}
	slices.SortFunc(cs, func(a, b store.Counter) int { return strings.Compare(a.Name, b.Name) })
	return cs
}

// writeBacklog writes backlog batches oldest first until one fails. Outside
// Close it respects the backoff after a failure.
func (r *Recorder) writeBacklog(ctx context.Context, closing bool) {
	if !closing && time.Now().Before(r.nextTry) {
		return
	}
	if len(r.backlog) == 0 && r.pendingWork() {
		r.backlog = append(r.backlog, batch{}) // a batch of declarations and counters only
	}
	for len(r.backlog) > 0 {
		b := &r.backlog[0]
		if err := r.writeOne(ctx, b); err != nil {
			if b.empty() {
				r.backlog = r.backlog[1:]
			}
			r.fail(err)
			return
		}
		r.backlogRows -= int64(len(b.reqs))
		r.backlogBytes -= b.bytes
		r.written += int64(len(b.reqs))
		r.publish()
		r.recycle(b.reqs)
		r.backlog[0] = batch{}
		r.backlog = r.backlog[1:]
	}
}

// writeOne writes one batch with the pending declarations and counter
// deltas. On failure the declarations are put back.
func (r *Recorder) writeOne(ctx context.Context, b *batch) error {
	r.mu.Lock()
	eps, vers := r.endpoints, r.versions
	r.endpoints, r.versions = nil, nil
	r.mu.Unlock()
	now := r.counters()
	sb := &store.Batch{Service: r.opts.Service, Instance: r.opts.Instance, Requests: b.reqs, Endpoints: eps, Versions: vers,
		Counters: r.counterDeltas(now), GroupLimit: r.opts.GroupLimit}
	if b.extra != nil {
		sb.Outliers, sb.Panics, sb.Profiles = b.extra.Outliers, b.extra.Panics, b.extra.Profiles
	}
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	err := r.write(wctx, sb)
	cancel()
	if err != nil {
		r.mu.Lock()
		r.endpoints = append(eps, r.endpoints...)
		r.versions = append(vers, r.versions...)
		r.mu.Unlock()
		return err
	}
	r.stored = now
	r.nextTry = time.Time{}
	r.batches.Add(1)
	r.outage.OK("rows_dropped_meanwhile", r.droppedSinceFail)
	r.droppedSinceFail = 0
	return nil
}

// write calls the store, turning a panic in it (a driver's bug) into an
// error: the service must not crash because of its dashboard.
func (r *Recorder) write(ctx context.Context, b *store.Batch) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("dashboard: the store panicked: %v", v)
		}
	}()
	return r.store.Write(ctx, b)
}

func (r *Recorder) fail(err error) {
	r.mu.Lock()
	r.lastErr = err.Error()
	r.lastErrAt = time.Now()
	r.mu.Unlock()
	// Logged once per outage, not per request or per retry.
	if !r.outage.Fail(err) {
		// The store is still connecting and says so itself, once: no
		// transaction was tried, and asking again costs nothing, so
		// the rows go out soon after it connects.
		r.nextTry = time.Now().Add(r.opts.MinBackoff)
		return
	}
	r.failed.Add(1)
	r.nextTry = time.Now().Add(r.backoff())
}

func (r *Recorder) backoff() time.Duration {
	d := r.opts.MinBackoff
	for i := 1; i < r.outage.Failures() && d < r.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.opts.MaxBackoff)
}
