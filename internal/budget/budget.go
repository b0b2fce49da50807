// Package budget bounds how many heavy dashboard reads run at once, so
// that people reading the dashboard cannot take the monitored service's
// CPU: a fixed number of reads run, a bounded number wait their turn in
// arrival order, and the rest are turned away at once (the UI answers 503
// with Retry-After). Turned-away reads are counted for the settings page.
//
//	b := budget.New(budget.Options{Running: 1, Queue: 8})
//	release, err := b.Acquire(ctx)
//	if err != nil { /* errors.Is(err, budget.ErrBusy): answer 503 */ }
//	defer release()
package budget

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ErrBusy is returned by Acquire when the queue is full or the wait was
// longer than Options.MaxWait.
var ErrBusy = errors.New("too many dashboard reads at once")

// Options size a Budget. Zero fields take the defaults.
type Options struct {
	// Running is how many reads run at once; 0 means 1.
	Running int
	// Queue is how many reads may wait for a turn; beyond it Acquire fails
	// at once. 0 means none wait; negative is taken as 0.
	Queue int
	// MaxWait is the longest a read waits in the queue before it is
	// turned away; 0 means 30 s.
	MaxWait time.Duration
}

// Stats is a snapshot of a Budget's counters.
type Stats struct {
	Running, Queue int   // the sizes it was made with
	Active         int   // reads running now
	Waiting        int   // reads waiting now
	Admitted       int64 // reads run since start
	Rejected       int64 // reads turned away because the queue was full
	TimedOut       int64 // reads turned away after MaxWait in the queue
}

// Budget is a semaphore with a bounded first-come-first-served queue. Its
// methods are safe for concurrent use.
type Budget struct {
	o Options

	mu      sync.Mutex
	active  int
	waiters []chan struct{} // oldest first; closed when handed a slot

	admitted, rejected, timedOut atomic.Int64
}

// New returns a Budget sized by o.
func New(o Options) *Budget {
	if o.Running <= 0 {
		o.Running = 1
	}
	if o.Queue < 0 {
		o.Queue = 0
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 30 * time.Second
	}
	return &Budget{o: o}
}

// Acquire waits for a turn and returns the function that ends it, to be
// called exactly once. It fails with ErrBusy when Queue reads already
// wait or after MaxWait, and with ctx's error when ctx ends first.
func (b *Budget) Acquire(ctx context.Context) (release func(), err error) {
	b.mu.Lock()
	if b.active < b.o.Running && len(b.waiters) == 0 {
		b.active++
		b.mu.Unlock()
		b.admitted.Add(1)
		return b.releaseOnce(), nil
	}
	if len(b.waiters) >= b.o.Queue {
		b.mu.Unlock()
		b.rejected.Add(1)
		return nil, ErrBusy
	}
	turn := make(chan struct{})
	b.waiters = append(b.waiters, turn)
	b.mu.Unlock()

	t := time.NewTimer(b.o.MaxWait)
	defer t.Stop()
	select {
	case <-turn:
		b.admitted.Add(1)
		return b.releaseOnce(), nil
	case <-t.C:
		err = ErrBusy
	case <-ctx.Done():
		err = ctx.Err()
	}
	b.mu.Lock()
	for i, w := range b.waiters {
		if w == turn {
			b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
			b.mu.Unlock()
			if err == ErrBusy {
				b.timedOut.Add(1)
			}
			return nil, err
		}
	}
	b.mu.Unlock()
	// Handed a slot while giving up: pass it on.
	b.release()
	if err == ErrBusy {
		b.timedOut.Add(1)
	}
	return nil, err
}

func (b *Budget) releaseOnce() func() {
	var once sync.Once
	return func() { once.Do(b.release) }
}

// release hands the slot to the oldest waiter, or frees it.
func (b *Budget) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.waiters) > 0 {
		next := b.waiters[0]
		b.waiters = b.waiters[1:]
		close(next) // the slot passes on: active stays
		return
	}
	b.active--
}

// Stats returns the current counters.
func (b *Budget) Stats() Stats {
	b.mu.Lock()
	active, waiting := b.active, len(b.waiters)
	b.mu.Unlock()
	return Stats{Running: b.o.Running, Queue: b.o.Queue, Active: active, Waiting: waiting,
		Admitted: b.admitted.Load(), Rejected: b.rejected.Load(), TimedOut: b.timedOut.Load()}
}
