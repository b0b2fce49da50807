package recorder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// flaky wraps a real store and fails or blocks writes on demand.
type flaky struct {
	store.Store
	mu      sync.Mutex
	failN   int           // fail the next failN writes
	err     error         // what failing writes return; nil: errDown
	always  bool          // fail every write
	block   chan struct{} // when non-nil, writes wait for it to close
	batches []int         // rows per successful write
}

var errDown = errors.New("database is down")

func (f *flaky) Write(ctx context.Context, b *store.Batch) error {
	f.mu.Lock()
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	if f.always || f.failN > 0 {
		f.failN--
		err := f.err
		f.mu.Unlock()
		if err == nil {
			err = errDown
		}
		return err
	}
	f.mu.Unlock()
	if err := f.Store.Write(ctx, b); err != nil {
		return err
	}
	f.mu.Lock()
	f.batches = append(f.batches, len(b.Requests))
	f.mu.Unlock()
	return nil
}

func newFlaky(t *testing.T) *flaky {
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &flaky{Store: s}
}

func rows(t *testing.T, s store.Store) int {
	t.Helper()
	n := 0
	if err := s.Requests(context.Background(), store.RequestFilter{}, func(*store.Request) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func counter(t *testing.T, s store.Store, name string) int64 {
	t.Helper()
	cs, err := s.Counters(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c.Value
		}
	}
	return 0
}

func sample(i int) Sample {
	return Sample{Endpoint: "GET /x", Method: "GET", Status: 200, Start: time.Now().UnixMicro(), Duration: time.Duration(i) * time.Microsecond}
}

func opts(o Options) Options {
	o.Service, o.Instance, o.Version = "svc", "i1", "v1"
	if o.FlushInterval == 0 {
		o.FlushInterval = 10 * time.Millisecond
	}
	o.MinBackoff, o.MaxBackoff = 5*time.Millisecond, 20*time.Millisecond
	return o
}

// newRec starts a recorder that is closed when the test ends, also when it
// stops early (a synctest bubble must not end with the writer running).
func newRec(t *testing.T, s store.Store, o Options) *Recorder {
	t.Helper()
	r := New(s, opts(o))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		r.Close(ctx)
	})
	return r
}

func closeRec(t *testing.T, r *Recorder) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// In a synctest bubble: the writer is idle when synctest.Wait returns.
func TestBatchesBySize(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		r := New(f, opts(Options{BatchSize: 10, FlushInterval: time.Hour}))
		for i := 0; i < 35; i++ {
			r.Add(sample(i))
		}
		// Three full batches go out without waiting for the hour-long tick.
		synctest.Wait()
		if w := r.Stats().Written; w != 30 {
			t.Fatalf("written before Close = %d, want 30", w)
		}
		closeRec(t, r) // Close writes the last 5
		if n := rows(t, f); n != 35 {
			t.Errorf("%d rows, want 35", n)
		}
		for _, b := range f.batches {
			if b > 10 {
				t.Errorf("a batch had %d rows, more than BatchSize", b)
			}
		}
	})
}

// In a synctest bubble: the flush interval passes in fake time.
func TestBatchesByTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		r := New(f, opts(Options{BatchSize: 1000, FlushInterval: 20 * time.Millisecond}))
		defer closeRec(t, r)
		r.Add(sample(1))
		time.Sleep(19 * time.Millisecond)
		if n := rows(t, f); n != 0 {
			t.Fatalf("a lone sample was written before the flush interval (%d rows)", n)
		}
		time.Sleep(2 * time.Millisecond)
		if n := rows(t, f); n != 1 {
			t.Fatalf("a lone sample was not written by the flush interval (%d rows)", n)
		}
	})
}

// In a synctest bubble: synctest.Wait returns once the writer is blocked
// in the store.
func TestQueueFullDropsAndCounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		f.block = make(chan struct{})
		r := New(f, opts(Options{QueueSize: 8, BatchSize: 1}))
		// The writer takes one sample and blocks writing it; then the queue
		// fills with 8 and every further Add must return at once, dropped.
		r.Add(sample(0))
		synctest.Wait()
		accepted := 0
		for i := 0; i < 100; i++ { // Add cannot wait: it has no blocking operation
			if r.Add(sample(i)) {
				accepted++
			}
		}
		// The writer may have taken at most one more sample out of the queue.
		if accepted < 8 || accepted > 9 {
			t.Errorf("accepted %d samples into a queue of 8", accepted)
		}
		if d := r.Stats().DroppedQueue; d != int64(100-accepted) {
			t.Errorf("DroppedQueue = %d, want %d", d, 100-accepted)
		}
		f.mu.Lock()
		close(f.block)
		f.block = nil
		f.mu.Unlock()
		closeRec(t, r)
		if n := rows(t, f); n != 1+accepted {
			t.Errorf("%d rows written, want %d", n, 1+accepted)
		}
		if c := counter(t, f, store.CounterDroppedQueueFull); c != int64(100-accepted) {
			t.Errorf("stored %s = %d, want %d", store.CounterDroppedQueueFull, c, 100-accepted)
		}
	})
}

// In a synctest bubble: the backoff passes in fake time.
func TestFailingStoreRetriesAndLogsOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		f.failN = 5
		var logs bytes.Buffer
		r := New(f, opts(Options{BatchSize: 10, Logger: slog.New(slog.NewTextHandler(&logs, nil))}))
		for i := 0; i < 100; i++ {
			if !r.Add(sample(i)) {
				t.Fatal("Add dropped a sample while the store was failing and the queue had room")
			}
		}
		closeRec(t, r)
		if n := rows(t, f); n != 100 {
			t.Errorf("%d rows after recovery, want 100", n)
		}
		out := logs.String()
		if c := strings.Count(out, "writing to the database failed"); c != 1 {
			t.Errorf("failure logged %d times, want once:\n%s", c, out)
		}
		if !strings.Contains(out, "database is down") || !strings.Contains(out, "works again") {
			t.Errorf("log lacks the cause or the recovery:\n%s", out)
		}
		if s := r.Stats(); s.FailedWrites != 5 || s.DroppedStore != 0 || s.LastError != errDown.Error() {
			t.Errorf("stats %+v", s)
		}
	})
}

// TestStoreNotReadyIsNotAFailure: a store still connecting in the
// background logs its outage itself; the writer keeps the rows, asks again
// at its shortest pace, and neither logs nor counts failed transactions.
// In a synctest bubble: the hour of MaxBackoff would show as an hour.
func TestStoreNotReadyIsNotAFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		f.failN = 20
		f.err = fmt.Errorf("dashboard: postgres://db: %w: connection refused", store.ErrNotReady)
		var logs bytes.Buffer
		o := opts(Options{BatchSize: 10, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		o.MaxBackoff = time.Hour // were these failures, the writer would wait an hour
		r := New(f, o)
		for i := 0; i < 30; i++ {
			r.Add(sample(i))
		}
		time.Sleep(time.Second) // 20 tries at MinBackoff are 100ms
		s := r.Stats()
		if s.Written != 30 || s.FailedWrites != 0 || s.DroppedStore != 0 || !strings.Contains(s.LastError, "connection refused") {
			t.Errorf("stats %+v; want 30 written, no failed writes, the cause kept", s)
		}
		closeRec(t, r)
		if logs.Len() != 0 {
			t.Errorf("the writer logged:\n%s", logs.String())
		}
	})
}

// TestBacklogLimitDropsOldestAndCounts runs in a synctest bubble: the
// clock stands still while the test adds samples, so no flush by time cuts
// a batch short halfway, and the waits cost no real time.
func TestBacklogLimitDropsOldestAndCounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		f.always = true
		r := newRec(t, f, Options{BatchSize: 10, BacklogLimit: 50, FlushInterval: time.Millisecond})
		for i := 0; i < 200; i++ {
			r.Add(sample(i))
		}
		time.Sleep(10 * time.Millisecond) // several flush intervals
		s := r.Stats()
		if s.DroppedStore != 150 || s.Backlog != 50 {
			t.Fatalf("dropped %d with %d in backlog; want 150 and 50", s.DroppedStore, s.Backlog)
		}
		f.mu.Lock()
		f.always = false
		f.mu.Unlock()
		closeRec(t, r)
		if n := rows(t, f); n != 50 {
			t.Errorf("%d rows written, want the 50 kept", n)
		}
		if c := counter(t, f, store.CounterDroppedStoreError); c != 150 {
			t.Errorf("stored %s = %d, want 150", store.CounterDroppedStoreError, c)
		}
	})
}

// TestBacklogKeepsNewestRowsWhateverTheBatchSizes: a flush by time makes a
// short batch; the backlog still keeps exactly its limit of the newest
// rows, cutting the oldest batch rather than dropping it whole. (Dropping
// whole batches once kept 47 rows of 50 and dropped 153 instead of 150 when
// a loaded machine made the writer flush while samples were still coming.)
func TestBacklogKeepsNewestRowsWhateverTheBatchSizes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		f.always = true
		r := newRec(t, f, Options{BatchSize: 10, BacklogLimit: 50, FlushInterval: time.Millisecond})
		for i := 0; i < 200; i++ {
			r.Add(sample(i))
		}
		time.Sleep(10 * time.Millisecond)
		for i := 200; i < 205; i++ {
			r.Add(sample(i)) // a batch of 5, flushed by time
		}
		time.Sleep(10 * time.Millisecond)
		s := r.Stats()
		if s.DroppedStore != 155 || s.Backlog != 50 {
			t.Fatalf("dropped %d with %d in backlog; want 155 and 50", s.DroppedStore, s.Backlog)
		}
		f.mu.Lock()
		f.always = false
		f.mu.Unlock()
		closeRec(t, r)
		var got []int
		err := f.Requests(context.Background(), store.RequestFilter{}, func(q *store.Request) error {
			got = append(got, int(q.Duration/time.Microsecond))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if len(got) != 50 || got[0] != 155 || got[49] != 204 {
			t.Errorf("kept samples %v, want the newest 50 (155 to 204)", got)
		}
	})
}

// In a synctest bubble: Close gives up after exactly its deadline.
func TestCloseGivesUpAtDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		f.always = true
		r := New(f, opts(Options{}))
		for i := 0; i < 10; i++ {
			r.Add(sample(i))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := r.Close(ctx)
		if el := time.Since(start); el != 100*time.Millisecond {
			t.Errorf("Close took %v with a 100ms deadline", el)
		}
		if err == nil || !strings.Contains(err.Error(), "10 samples not written") || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close error %v, want 10 samples not written and the deadline", err)
		}
		if r.Add(sample(1)) {
			t.Error("Add after Close accepted a sample")
		}
	})
}

func TestDeclarationsWritten(t *testing.T) {
	f := newFlaky(t)
	f.failN = 1 // the first attempt fails: declarations must survive it
	r := New(f, opts(Options{}))
	r.DeclareEndpoint(store.Endpoint{Name: "GET /never", Level: 2, Methods: []string{"GET"}})
	r.DeclareVersion("v9", time.Unix(1000, 0))
	closeRec(t, r)
	eps, _ := f.Endpoints(context.Background(), "svc")
	if len(eps) != 1 || eps[0].Name != "GET /never" || eps[0].Level != 2 {
		t.Errorf("endpoints %+v", eps)
	}
	vs, _ := f.Versions(context.Background(), "svc")
	if len(vs) != 1 || vs[0].Name != "v9" {
		t.Errorf("versions %+v", vs)
	}
}

func TestConcurrentAdds(t *testing.T) {
	f := newFlaky(t)
	r := New(f, opts(Options{QueueSize: 100000}))
	var wg sync.WaitGroup
	var ok atomic.Int64
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				if r.Add(sample(i)) {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	closeRec(t, r)
	if n := rows(t, f); int64(n) != ok.Load() || n != 4000 {
		t.Errorf("%d rows, %d accepted, want 4000", n, ok.Load())
	}
}

// TestStatsCountRowsInFlight: rows the writer took from the queue into the
// batch it is still filling are shown as InFlight, not lost from view.
// In a synctest bubble, so the hour-long flush interval never passes.
func TestStatsCountRowsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		r := newRec(t, f, Options{QueueSize: 64, BatchSize: 1000, FlushInterval: time.Hour})
		for i := 0; i < 542; i++ {
			if !r.Add(sample(i)) {
				synctest.Wait() // the queue is full: let the writer take it
				if !r.Add(sample(i)) {
					t.Fatalf("sample %d dropped with the writer idle", i)
				}
			}
		}
		synctest.Wait() // the writer took what the last nudge told it of
		s := r.Stats()
		if s.Queued+s.InFlight != 542 || s.InFlight < 542-64 || s.Backlog != 0 || s.Written != 0 {
			t.Errorf("stats %+v; want the 542 samples queued or in flight, most in flight", s)
		}
		closeRec(t, r)
		if s := r.Stats(); s.Written != 542 || s.InFlight != 0 || s.Queued != 0 {
			t.Errorf("after Close: stats %+v; want all 542 written", s)
		}
	})
}

// TestStatsAddUp takes snapshots while samples pour in and the store fails
// now and then: every snapshot's counts sum to the samples accepted by then
// (within the Adds still running when it was taken).
func TestStatsAddUp(t *testing.T) {
	f := newFlaky(t)
	f.failN = 30
	r := newRec(t, f, Options{QueueSize: 4096, BatchSize: 50, BacklogLimit: 2000, FlushInterval: time.Millisecond})
	const producers, each = 4, 3000
	var accepted atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < producers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if r.Add(sample(i)) {
					accepted.Add(1)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	check := func(s Stats, before, after int64) {
		t.Helper()
		sum := int64(s.Queued+s.InFlight+s.Backlog) + s.Written + s.DroppedStore
		if sum < before || sum > after+producers {
			t.Fatalf("Queued+InFlight+Backlog+Written+DroppedStore = %d with %d to %d accepted: %+v", sum, before, after, s)
		}
		if s.DroppedQueue+accepted.Load() > producers*each {
			t.Fatalf("more samples counted than added: %+v", s)
		}
	}
	snapshots := 0
	for loop := true; loop; snapshots++ {
		select {
		case <-done:
			loop = false
		default:
		}
		before := accepted.Load()
		s := r.Stats()
		check(s, before, accepted.Load())
	}
	closeRec(t, r)
	s := r.Stats()
	check(s, accepted.Load(), accepted.Load())
	if got := s.Written + s.DroppedStore + s.DroppedQueue; got != producers*each {
		t.Errorf("after Close %d written or dropped of %d added: %+v", got, producers*each, s)
	}
	t.Logf("%d snapshots; %+v", snapshots, s)
}

// source hands the writer outliers on demand and keeps what it is given
// back.
type source struct {
	mu      sync.Mutex
	next    []store.Outlier
	dropped []store.Outlier
	count   int64
}

func (s *source) Collect(b *store.Batch, final bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b.Outliers = append(b.Outliers, s.next...)
	s.next = nil
}

func (s *source) Dropped(b *store.Batch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropped = append(s.dropped, b.Outliers...)
}

func (s *source) Counters() []store.Counter {
	s.mu.Lock()
	defer s.mu.Unlock()
	return []store.Counter{{Name: "source_things", Value: s.count}}
}

func (s *source) give(o ...store.Outlier) {
	s.mu.Lock()
	s.next = append(s.next, o...)
	s.count += int64(len(o))
	s.mu.Unlock()
}

func heavy(i int) store.Outlier {
	return store.Outlier{Service: "svc", Instance: "i1", Version: "v1", Endpoint: "GET /x", Start: time.Unix(int64(i), 0),
		Duration: time.Duration(i) * time.Second, Goroutines: strings.Repeat("g", 100_000)}
}

// TestBacklogBoundedInBytes: while the store fails, heavy outliers wait
// in the backlog only up to its bound in bytes; the oldest are handed back
// to the source to be counted, the newest written when the store
// recovers, with the source's counter.
func TestBacklogBoundedInBytes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlaky(t)
		f.always = true
		src := &source{}
		r := newRec(t, f, Options{BacklogBytes: 350_000, FlushInterval: 10 * time.Millisecond, Source: src})
		time.Sleep(5 * time.Millisecond) // halfway between two flushes
		for i := 1; i <= 10; i++ {
			src.give(heavy(i))
			time.Sleep(10 * time.Millisecond) // one flush: one batch each
		}
		if st := r.Stats(); st.BacklogBytes > 350_000 || st.BacklogBytes < 300_000 {
			t.Errorf("backlog holds %d bytes; want at most its bound of 350000, and three outliers' worth", st.BacklogBytes)
		}
		src.mu.Lock()
		dropped := len(src.dropped)
		first := src.dropped[0].Duration
		src.mu.Unlock()
		if dropped != 7 || first != time.Second {
			t.Errorf("%d outliers handed back, the first of %v; want the 7 oldest", dropped, first)
		}
		f.mu.Lock()
		f.always = false
		f.mu.Unlock()
		closeRec(t, r)
		os, err := f.Outliers(context.Background(), store.OutlierFilter{Service: "svc"})
		if err != nil {
			t.Fatal(err)
		}
		if len(os) != 3 {
			t.Errorf("%d outliers written, want the 3 newest", len(os))
		}
		for _, o := range os {
			if o.Duration < 8*time.Second {
				t.Errorf("an old outlier was written: %v", o.Duration)
			}
		}
		if c := counter(t, f, "source_things"); c != 10 {
			t.Errorf("source's counter stored as %d, want 10", c)
		}
	})
}

// panicky is a store whose driver panics.
type panicky struct{ *flaky }

func (p panicky) Write(ctx context.Context, b *store.Batch) error { panic("driver bug") }

// TestStorePanicIsAFailure: a panic in the store's Write is a failed
// write, logged once, not a crash of the service.
func TestStorePanicIsAFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		r := newRec(t, panicky{newFlaky(t)}, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		r.Add(sample(1))
		time.Sleep(time.Second)
		s := r.Stats()
		if s.FailedWrites == 0 || !strings.Contains(s.LastError, "driver bug") || s.Backlog != 1 {
			t.Errorf("stats %+v; want failed writes, the panic as the error, the row kept", s)
		}
		if c := strings.Count(logs.String(), "writing to the database failed"); c != 1 {
			t.Errorf("logged %d times:\n%s", c, logs.String())
		}
	})
}
