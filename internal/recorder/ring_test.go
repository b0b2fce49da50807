package recorder

import (
	"sync"
	"testing"
)

func TestRingFullAndOrder(t *testing.T) {
	r := newRing(5) // rounds up to 8
	if r.capacity() != 8 {
		t.Fatalf("capacity %d, want 8", r.capacity())
	}
	for i := 0; i < 8; i++ {
		if _, ok := r.push(&Sample{Status: i}); !ok {
			t.Fatalf("push %d refused before the ring was full", i)
		}
	}
	if _, ok := r.push(&Sample{}); ok {
		t.Fatal("push into a full ring succeeded")
	}
	var s Sample
	for i := 0; i < 8; i++ {
		if !r.pop(&s) || s.Status != i {
			t.Fatalf("pop %d gave %v", i, s.Status)
		}
	}
	if r.pop(&s) {
		t.Fatal("pop from an empty ring succeeded")
	}
	// Wrapping around works.
	for lap := 0; lap < 5; lap++ {
		for i := 0; i < 6; i++ {
			r.push(&Sample{Status: lap*10 + i})
		}
		for i := 0; i < 6; i++ {
			if !r.pop(&s) || s.Status != lap*10+i {
				t.Fatalf("lap %d pop %d gave %d", lap, i, s.Status)
			}
		}
	}
}

// TestRingConcurrent: with several producers and one consumer, every
// accepted sample comes out exactly once and nothing else does.
func TestRingConcurrent(t *testing.T) {
	const producers, per = 4, 20000
	r := newRing(256)
	var wg sync.WaitGroup
	accepted := make([][]bool, producers)
	for p := 0; p < producers; p++ {
		accepted[p] = make([]bool, per)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				_, accepted[p][i] = r.push(&Sample{Status: p, Start: int64(i)})
			}
		}()
	}
	seen := make([][]int, producers)
	for p := range seen {
		seen[p] = make([]int, per)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var s Sample
	last := make([]int64, producers)
	for p := range last {
		last[p] = -1
	}
	consume := func() {
		for r.pop(&s) {
			seen[s.Status][s.Start]++
			if s.Start <= last[s.Status] {
				t.Errorf("producer %d: %d came after %d", s.Status, s.Start, last[s.Status])
			}
			last[s.Status] = s.Start
		}
	}
loop:
	for {
		select {
		case <-done:
			break loop
		default:
			consume()
		}
	}
	consume()
	for p := 0; p < producers; p++ {
		for i := 0; i < per; i++ {
			want := 0
			if accepted[p][i] {
				want = 1
			}
			if seen[p][i] != want {
				t.Fatalf("producer %d sample %d: accepted=%v, seen %d times", p, i, accepted[p][i], seen[p][i])
			}
		}
	}
}

func BenchmarkRingPush(b *testing.B) {
	r := newRing(1 << 16)
	var s Sample
	b.RunParallel(func(pb *testing.PB) {
		x := Sample{Endpoint: "GET /x", Method: "GET"}
		for pb.Next() {
			if _, ok := r.push(&x); !ok {
				// Keep room: the benchmark measures push, not drops.
				for r.pop(&s) {
				}
			}
		}
	})
}
