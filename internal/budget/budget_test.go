package budget

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestRunsAtMostRunningAndQueuesInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := New(Options{Running: 2, Queue: 3})
		ctx := context.Background()
		var held []func()
		for range 2 {
			rel, err := b.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, rel)
		}
		var mu sync.Mutex
		var order []int
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Go(func() {
				rel, err := b.Acquire(ctx)
				if err != nil {
					t.Errorf("waiter %d: %v", i, err)
					return
				}
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				rel()
			})
			synctest.Wait() // waiter i is queued before i+1 starts
		}
		if s := b.Stats(); s.Active != 2 || s.Waiting != 3 {
			t.Fatalf("stats %+v, want 2 active and 3 waiting", s)
		}
		// The queue is full: the next read is turned away at once.
		if _, err := b.Acquire(ctx); !errors.Is(err, ErrBusy) {
			t.Fatalf("Acquire with a full queue: %v, want ErrBusy", err)
		}
		held[0]()
		held[0]() // a second call does nothing
		wg.Wait()
		held[1]()
		if len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
			t.Errorf("waiters ran in order %v, want 0 1 2", order)
		}
		s := b.Stats()
		if s.Active != 0 || s.Waiting != 0 || s.Admitted != 5 || s.Rejected != 1 || s.TimedOut != 0 {
			t.Errorf("stats %+v, want 0 active, 0 waiting, 5 admitted, 1 rejected", s)
		}
	})
}

func TestWaitIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := New(Options{Running: 1, Queue: 1, MaxWait: 5 * time.Second})
		rel, err := b.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer rel()
		began := time.Now()
		if _, err := b.Acquire(context.Background()); !errors.Is(err, ErrBusy) {
			t.Fatalf("waited past MaxWait: %v, want ErrBusy", err)
		}
		if waited := time.Since(began); waited != 5*time.Second {
			t.Errorf("waited %v, want MaxWait (5s)", waited)
		}
		if s := b.Stats(); s.TimedOut != 1 || s.Waiting != 0 || s.Active != 1 {
			t.Errorf("stats %+v, want 1 timed out, none waiting, 1 active", s)
		}
	})
}

func TestCancelledWaiterLeavesTheQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := New(Options{Running: 1, Queue: 1})
		rel, err := b.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { _, err := b.Acquire(ctx); done <- err }()
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled waiter: %v, want context.Canceled", err)
		}
		rel()
		// The slot is free again, and the queue empty.
		rel2, err := b.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rel2()
		if s := b.Stats(); s.Active != 0 || s.Waiting != 0 || s.Rejected != 0 || s.TimedOut != 0 {
			t.Errorf("stats %+v, want an idle budget with nothing turned away", s)
		}
	})
}

func TestZeroQueueTurnsAwayAtOnce(t *testing.T) {
	b := New(Options{Running: 1})
	rel, err := b.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Acquire(context.Background()); !errors.Is(err, ErrBusy) {
		t.Fatalf("second read with no queue: %v, want ErrBusy", err)
	}
	rel()
	if s := b.Stats(); s.Rejected != 1 || s.Active != 0 {
		t.Errorf("stats %+v", s)
	}
}

// A slot handed to a waiter that gives up at the same moment is passed on,
// never lost: under many racing waiters the budget ends idle.
func TestNoSlotLost(t *testing.T) {
	b := New(Options{Running: 2, Queue: 50, MaxWait: time.Millisecond})
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if rel, err := b.Acquire(context.Background()); err == nil {
				runtime.Gosched()
				rel()
			}
		})
	}
	wg.Wait()
	s := b.Stats()
	if s.Active != 0 || s.Waiting != 0 {
		t.Fatalf("after every read ended: %+v, want none active or waiting", s)
	}
	if got := s.Admitted + s.Rejected + s.TimedOut; got != 200 {
		t.Errorf("admitted+rejected+timed out = %d, want 200", got)
	}
}
