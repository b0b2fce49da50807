package outlier

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/measure"
	"github.com/go-monitoring-dashboard/dashboard/internal/profiler"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Options configure a Monitor. Zero values take the defaults noted.
type Options struct {
	Service, Instance, Version string
	Clock                      *measure.Clock // the clock requests are timed with
	Constant                   float64        // threshold = average × Constant; default OUTLIER_DETECTION_CONSTANT's
	MinRequests                int64          // warm-up: requests seen before any is an outlier
	MinDuration                time.Duration  // floor of the threshold
	CapturesPerMinute          int            // rate limit; 0 captures none
	Redact                     []string       // extra secret names and /patterns/
	SamplingPeriod             time.Duration  // profiler period; default SAMPLING_PERIOD's
	Slots                      int            // watched requests in flight; default 1024
	ScanInterval               time.Duration  // default 5ms
	ProfileFlush               time.Duration  // profiles are handed to the writer this often; default PROFILE_INTERVAL's
	// Ignore lists function name prefixes of the caller's own frames,
	// left out of panic signatures.
	Ignore []string
	Logger *slog.Logger
}

// Names of the counters the monitor keeps (store.Counter), written by the
// recorder.
const (
	CounterCaptured     = "outliers_captured"
	CounterSkipped      = "outliers_skipped_rate_limit" // past the threshold, not captured: rate limit
	CounterUnwatched    = "outliers_unwatched"          // no free slot: ran unwatched
	CounterDropped      = "outliers_dropped"            // captured but not stored (writer behind or database down)
	CounterPanicDropped = "panics_dropped"
	CounterSampleDrop   = "profile_samples_dropped"
)

// Stats are the monitor's counts since it started.
type Stats struct {
	Captured, Skipped, Unwatched, Dropped int64
	Panics, PanicsDropped                 int64
	Samples, SamplesDropped               int64
}

// Monitor watches requests of endpoints at level 2 and 3 and groups
// panics. Its one goroutine, the watchdog, stops in Close. What it
// gathers is written by the recorder, to which it is a recorder.Source
// (source.go).
type Monitor struct {
	opts  Options
	clock *measure.Clock
	t     *table
	red   *Redactor
	log   *slog.Logger
	prof  *profiler.Aggregator

	watching atomic.Int32 // endpoints at level 2 or more
	wake     chan struct{}
	out      outliers
	pan      panics

	captured, skipped, unwatched, panicCount, samples atomic.Int64
	samplesDropped                                    atomic.Int64 // in profiles the writer dropped

	stop      chan struct{}
	watchDone chan struct{}
	closeOnce sync.Once
	started   bool // set by Start, before the goroutine exists

	// Owned by the recorder's goroutine (source.go).
	lastProfile time.Time

	// Owned by the watchdog goroutine.
	host       *hostReader
	buf        bytes.Buffer
	tokens     float64
	refilled   int64 // monotonic ns
	nextSample int64
	lastSample int64
	readCost   time.Duration // of the last goroutine profile
	gens       []uint64
}

// New makes a monitor; Start starts it. It returns an error for options
// that cannot work (a bad redaction pattern). Before Start, the monitor
// already learns levels (LevelChanged) and serves requests (Arm, Done,
// Panic), so that it can be made before the store its rows go to.
func New(o Options) (*Monitor, error) {
	def := config.Defaults() // the settings' defaults, from the key table
	if o.Constant <= 1 {
		o.Constant = def.OutlierConstant
	}
	if o.SamplingPeriod <= 0 {
		o.SamplingPeriod = def.SamplingPeriod
	}
	if o.Slots <= 0 {
		o.Slots = 1024
	}
	if o.ScanInterval <= 0 {
		o.ScanInterval = 5 * time.Millisecond
	}
	if o.ProfileFlush <= 0 {
		o.ProfileFlush = def.ProfileInterval
	}
	if o.Clock == nil {
		o.Clock = measure.NewClock()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	red, err := NewRedactor(o.Redact)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	m := &Monitor{
		opts: o, clock: o.Clock, red: red, log: o.Logger,
		prof:        profiler.NewAggregator(o.SamplingPeriod, now),
		lastProfile: now,
		wake:        make(chan struct{}, 1),
		stop:        make(chan struct{}),
		watchDone:   make(chan struct{}),
		tokens:      float64(o.CapturesPerMinute),
	}
	m.t = newTable(o.Slots, m)
	m.gens = make([]uint64, len(m.t.slots))
	return m, nil
}

// Start starts the watchdog. Call it once.
func (m *Monitor) Start() {
	m.started = true
	go m.watch()
}

// Watching reports whether some endpoint is at level 2 or more. The
// request path asks it first, so that levels 0 and 1 pay one atomic load.
func (m *Monitor) Watching() bool { return m.watching.Load() > 0 }

// LevelChanged tells the monitor that an endpoint went from level old to
// level new, and resets its average when it starts being watched.
func (m *Monitor) LevelChanged(ep *Endpoint, old, new int) {
	was, is := old >= store.LevelOutliers, new >= store.LevelOutliers
	switch {
	case is && !was:
		ep.Avg.Reset()
		if m.watching.Add(1) == 1 {
			select {
			case m.wake <- struct{}{}:
			default:
			}
		}
	case was && !is:
		m.watching.Add(-1)
	}
}

// Arm starts watching a request of ep that started at start (the clock's
// monotonic reading); profile asks for profiler samples too. The handle
// is invalid when every slot is taken; the request then runs unwatched
// and is counted.
func (m *Monitor) Arm(ep *Endpoint, start time.Duration, profile bool) Handle {
	h := m.t.claim(ep, int64(start), m.deadlineFor(ep, int64(start)), profile)
	if !h.Valid() {
		m.unwatched.Add(1)
	}
	return h
}

// Done ends a request: it adds its duration to the endpoint's average,
// frees its slot and, when the watchdog captured it, adds the request's
// half of the outlier. It runs on the request's goroutine.
func (m *Monitor) Done(h Handle, ep *Endpoint, dur time.Duration, r *http.Request, status int) {
	ep.Avg.Observe(dur, m.opts.Constant, m.opts.MinRequests)
	if !h.Valid() {
		return
	}
	state, c := m.t.release(h)
	if state != stateCaptured || c == nil {
		return
	}
	requestHalf(&c.o, r, m.red)
	c.o.Status, c.o.Duration = status, dur
	m.complete(c)
}

// Panic records a panic of a request of endpoint. It runs on the
// panicking goroutine, in a deferred function, before the panic goes on.
func (m *Monitor) Panic(endpoint string, value any) {
	m.panicCount.Add(1)
	m.pan.add(m.opts.Service, m.opts.Instance, m.opts.Version, endpoint, value, string(debug.Stack()), m.opts.Ignore, time.Now())
}

// complete hands the outlier to the writer when both halves are in.
func (m *Monitor) complete(c *capture) {
	if c.parties.Add(-1) != 0 {
		return
	}
	m.out.add(c.o)
}

// Stats returns the monitor's counts.
func (m *Monitor) Stats() Stats {
	m.pan.mu.Lock()
	pd := m.pan.dropped
	m.pan.mu.Unlock()
	return Stats{Captured: m.captured.Load(), Skipped: m.skipped.Load(), Unwatched: m.unwatched.Load(), Dropped: m.out.droppedCount(),
		Panics: m.panicCount.Load(), PanicsDropped: pd, Samples: m.samples.Load(),
		SamplesDropped: m.prof.Dropped() + m.samplesDropped.Load()}
}

// Close stops the watchdog and waits for it. What the monitor gathered
// waits for the recorder's last Collect, so close the monitor first.
func (m *Monitor) Close(context.Context) error {
	m.closeOnce.Do(func() {
		if !m.started {
			return
		}
		close(m.stop)
		<-m.watchDone
	})
	return nil
}
