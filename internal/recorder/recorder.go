// Package recorder is the one writer of what the dashboard records.
//
// The request path calls Add, which never blocks: the sample goes into a
// bounded queue, or is dropped and counted when the queue is full. One
// goroutine drains the queue into batches (by size and by time) and writes
// each batch in one transaction. With each batch by time it also writes
// what its Source gathered: outliers, panics and profiles. When the store
// fails, batches wait in a backlog bounded in rows and in bytes and are
// retried with backoff; beyond the backlog, the oldest are dropped and
// counted. The counts themselves (the recorder's and the Source's) are
// written with the next batch that succeeds, so the dashboard can show
// them.
package recorder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/loop"
	"github.com/go-monitoring-dashboard/dashboard/internal/measure"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Sample is one finished request, as the request path hands it over.
// Work that can wait (stripping the port, turning a monotonic reading
// into wall time) is left to the writer goroutine.
type Sample struct {
	Endpoint string
	Method   string
	Group    string
	IP       string        // an address, or host:port whose port the writer strips
	Start    int64         // Unix microseconds; 0: derive it from Mono
	Mono     time.Duration // start as read from Options.Clock
	Duration time.Duration
	Status   int
	NoRaw    bool // rollups only, no raw row (RAW_SAMPLE_RATE)
}

// Options configure a Recorder. Zero values take the defaults noted; those
// of settings (QUEUE_SIZE, BATCH_SIZE, FLUSH_INTERVAL, BACKLOG_LIMIT) come
// from the key table, through config.Defaults.
type Options struct {
	Service, Instance, Version string
	Clock                      *measure.Clock // turns Sample.Mono into wall time
	QueueSize                  int            // default QUEUE_SIZE's, rounded up to a power of two
	BatchSize                  int            // default BATCH_SIZE's
	FlushInterval              time.Duration  // default FLUSH_INTERVAL's
	BacklogLimit               int            // rows kept while the store fails; default BACKLOG_LIMIT's, 0 with NoBacklog
	NoBacklog                  bool
	// BacklogBytes bounds the memory the backlog holds, by an estimate of
	// each row's size (one outlier can weigh megabytes). Default 64 MiB.
	BacklogBytes int64
	// Source, when set, hands the writer outliers, panics, profiles and
	// counts of its own.
	Source Source
	// GroupLimit is the batches' store.Batch.GroupLimit (GROUP_LIMIT).
	GroupLimit int
	Logger     *slog.Logger // default slog.Default()
	// MinBackoff and MaxBackoff bound the wait between retries of a failed
	// write. Defaults 100ms and 30s.
	MinBackoff, MaxBackoff time.Duration
}

// A Source gathers rows other than requests for the writer. The writer
// calls its methods from its own goroutine.
type Source interface {
	// Collect moves what waits to be written into b's Outliers, Panics
	// and Profiles. final is set when Close flushes: everything goes.
	Collect(b *store.Batch, final bool)
	// Dropped hands back what the writer dropped because its backlog was
	// full while the store failed, to be counted.
	Dropped(b *store.Batch)
	// Counters returns the source's counts since it started (Name and
	// Value only); the writer stores their changes.
	Counters() []store.Counter
}

// Stats are the recorder's counts since it started. Every accepted sample
// is in exactly one of Queued, InFlight, Backlog, Written and DroppedStore,
// and one snapshot's counts add up: their sum is the number of samples
// accepted so far.
type Stats struct {
	Queued        int   // samples waiting in the queue now
	InFlight      int   // rows the writer took from the queue into the batch it is filling
	Backlog       int   // rows in batches handed to the store: the one being written and those waiting for the store to recover
	BacklogBytes  int64 // estimated memory of the backlog, with its outliers, panics and profiles
	Written       int64 // rows written
	DroppedQueue  int64 // samples dropped because the queue was full
	DroppedStore  int64 // samples dropped because the store kept failing
	Batches       int64 // successful transactions
	FailedWrites  int64 // failed transactions
	LastError     string
	LastErrorTime time.Time
}

// Recorder is safe for concurrent use.
type Recorder struct {
	opts      Options
	store     store.Store
	nudgeMask uint64

	q       *ring
	wake    chan struct{} // nudges the writer when the ring fills up
	closing chan context.Context
	done    chan struct{}
	closed  atomic.Bool

	droppedQueue atomic.Int64
	batches      atomic.Int64
	failed       atomic.Int64

	mu        sync.Mutex
	endpoints []store.Endpoint // declared since the last write
	versions  []store.Version
	lastErr   string
	lastErrAt time.Time
	shown     counts // the writer's counts as of its last publish

	// Owned by the writer goroutine.
	counts
	backlog          []batch           // oldest first
	free             [][]store.Request // written batches, for reuse
	stored           map[string]int64  // counter values already written
	outage           loop.Outage       // logs failed writes once per outage
	nextTry          time.Time
	droppedSinceFail int64
}

// counts follow every sample the writer took from the queue. Between the
// writer's steps taken = inFlight + backlogRows + written + droppedStore.
type counts struct {
	taken        int64
	inFlight     int64
	backlogRows  int64
	written      int64
	droppedStore int64
	backlogBytes int64 // of requests and the Source's rows
}

// publish lets Stats see the writer's counts. The writer calls it at a
// point where the counts add up.
func (r *Recorder) publish() {
	r.mu.Lock()
	r.shown = r.counts
	r.mu.Unlock()
}

// New starts a recorder writing to s. Close stops it.
func New(s store.Store, o Options) *Recorder {
	def := config.Defaults()
	if o.QueueSize <= 0 {
		o.QueueSize = def.QueueSize
	}
	if o.BatchSize <= 0 {
		o.BatchSize = def.BatchSize
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = def.FlushInterval
	}
	if o.BacklogLimit <= 0 && !o.NoBacklog {
		o.BacklogLimit = def.BacklogLimit
	}
	if o.BacklogBytes <= 0 {
		o.BacklogBytes = 64 << 20
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 100 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = measure.NewClock()
	}
	r := &Recorder{
		opts: o, store: s,
		q:       newRing(o.QueueSize),
		wake:    make(chan struct{}, 1),
		closing: make(chan context.Context, 1),
		done:    make(chan struct{}),
		stored:  map[string]int64{},
		outage: loop.Outage{Logger: o.Logger, Level: slog.LevelError,
			Failed:    "dashboard: writing to the database failed; retrying with backoff and keeping rows in memory (then dropping and counting them)",
			Recovered: "dashboard: writing to the database works again",
			Attrs:     []any{"backlog_limit", o.BacklogLimit}},
	}
	// Nudge the writer every 2^k samples, 2^k being at most a quarter of
	// the ring and at most four batches: it then writes full batches
	// promptly and drains the ring long before it overflows. Each nudge
	// that wakes the writer costs a system call (microseconds on a VM), so
	// nudging less often keeps that off the request path: at the defaults
	// once per 2048 requests.
	every := 1
	for every*2 <= min(r.q.capacity()/4, 4*o.BatchSize) {
		every *= 2
	}
	r.nudgeMask = uint64(every - 1)
	go r.run()
	return r
}

// Add hands a sample to the writer. It never blocks; it returns false when
// the sample was dropped (queue full, or recorder closed) and counts it.
func (r *Recorder) Add(s Sample) bool {
	if r.closed.Load() {
		r.droppedQueue.Add(1)
		return false
	}
	pos, ok := r.q.push(&s)
	if !ok {
		r.droppedQueue.Add(1)
		return false
	}
	if pos&r.nudgeMask == 0 {
		// Another nudgeMask+1 samples since the last nudge: wake the writer
		// now rather than at its next poll.
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
	return true
}

// DeclareEndpoint makes sure an endpoint exists in the store, with the
// given level when it is created. It is written with the next batch.
func (r *Recorder) DeclareEndpoint(e store.Endpoint) {
	e.Service = r.opts.Service
	r.mu.Lock()
	r.endpoints = append(r.endpoints, e)
	r.mu.Unlock()
}

// DeclareVersion makes sure a version exists in the store.
func (r *Recorder) DeclareVersion(name string, firstSeen time.Time) {
	r.mu.Lock()
	r.versions = append(r.versions, store.Version{Service: r.opts.Service, Name: name, FirstSeen: firstSeen})
	r.mu.Unlock()
}

// Stats returns the current counts.
func (r *Recorder) Stats() Stats {
	r.mu.Lock()
	le, lt, c := r.lastErr, r.lastErrAt, r.shown
	r.mu.Unlock()
	// Samples the writer took since it last published count as queued:
	// they were, as of the counts read above.
	return Stats{
		Queued:        int(r.q.pushed() - uint64(c.taken)),
		InFlight:      int(c.inFlight),
		Backlog:       int(c.backlogRows),
		BacklogBytes:  c.backlogBytes,
		Written:       c.written,
		DroppedQueue:  r.droppedQueue.Load(),
		DroppedStore:  c.droppedStore,
		Batches:       r.batches.Load(),
		FailedWrites:  r.failed.Load(),
		LastError:     le,
		LastErrorTime: lt,
	}
}

// Close stops accepting samples, writes everything queued (retrying a
// failing store until ctx ends) and waits for the writer goroutine. When
// ctx ends first, Close returns an error that says how many samples were
// not written. Give it a context with a deadline.
func (r *Recorder) Close(ctx context.Context) error {
	if r.closed.Swap(true) {
		<-r.done
		return nil
	}
	r.closing <- ctx
	<-r.done
	// The writer has ended: its fields are ours to read.
	pending := int64(r.q.len()) + r.inFlight + r.backlogRows
	var others int
	for _, b := range r.backlog {
		if b.extra != nil {
			others += len(b.extra.Outliers) + len(b.extra.Panics) + len(b.extra.Profiles)
		}
	}
	if pending == 0 && others == 0 {
		return nil
	}
	what := fmt.Sprintf("%d samples", pending)
	if others > 0 {
		what += fmt.Sprintf(" and %d outliers, panic groups or profiles", others)
	}
	return fmt.Errorf("dashboard: recorder closed with %s not written: %w", what, errors.Join(ctx.Err(), r.lastError()))
}

func (r *Recorder) lastError() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lastErr == "" {
		return nil
	}
	return errors.New(r.lastErr)
}
