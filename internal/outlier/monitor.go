package outlier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/measure"
	"github.com/go-monitoring-dashboard/dashboard/internal/profiler"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Options configure a Monitor. Zero values take the defaults noted.
type Options struct {
	Service, Instance, Version string
	Clock                      *measure.Clock // the clock requests are timed with
	Constant                   float64        // threshold = average × Constant; default 2.5
	MinRequests                int64          // warm-up: requests seen before any is an outlier
	MinDuration                time.Duration  // floor of the threshold
	CapturesPerMinute          int            // rate limit; 0 captures none
	Redact                     []string       // extra secret names and /patterns/
	SamplingPeriod             time.Duration  // profiler period; default 10ms
	Slots                      int            // watched requests in flight; default 1024
	ScanInterval               time.Duration  // default 5ms
	FlushInterval              time.Duration  // writes of outliers and panics; default 1s
	ProfileFlush               time.Duration  // profiles are written this often; default 1m
	// Ignore lists function name prefixes of the caller's own frames,
	// left out of panic signatures.
	Ignore []string
	Logger *slog.Logger
}

// Names of the counters the monitor stores (store.Counter).
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
// panics. Its two goroutines (the watchdog and the writer) stop in Close.
type Monitor struct {
	opts  Options
	st    store.Store
	clock *measure.Clock
	t     *table
	red   *Redactor
	log   *slog.Logger
	prof  *profiler.Aggregator

	watching atomic.Int32 // endpoints at level 2 or more
	wake     chan struct{}
	outliers chan store.Outlier
	pan      panics

	captured, skipped, unwatched, dropped, panicCount, samples atomic.Int64

	stop      chan struct{}
	closing   chan context.Context
	watchDone chan struct{}
	sinkDone  chan struct{}
	closeOnce sync.Once
	closeErr  error
	started   bool // set by Start, before the goroutines exist

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
// Panic), so that it can be made before the store it writes to.
func New(o Options) (*Monitor, error) {
	if o.Constant <= 1 {
		o.Constant = 2.5
	}
	if o.SamplingPeriod <= 0 {
		o.SamplingPeriod = 10 * time.Millisecond
	}
	if o.Slots <= 0 {
		o.Slots = 1024
	}
	if o.ScanInterval <= 0 {
		o.ScanInterval = 5 * time.Millisecond
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = time.Second
	}
	if o.ProfileFlush <= 0 {
		o.ProfileFlush = time.Minute
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
	m := &Monitor{
		opts: o, clock: o.Clock, red: red, log: o.Logger,
		prof:      profiler.NewAggregator(o.SamplingPeriod, time.Now()),
		wake:      make(chan struct{}, 1),
		outliers:  make(chan store.Outlier, 64),
		stop:      make(chan struct{}),
		closing:   make(chan context.Context),
		watchDone: make(chan struct{}),
		sinkDone:  make(chan struct{}),
		tokens:    float64(o.CapturesPerMinute),
	}
	m.t = newTable(o.Slots, m)
	m.gens = make([]uint64, len(m.t.slots))
	return m, nil
}

// Start starts the watchdog and the writer, which writes to st. Call it
// once.
func (m *Monitor) Start(st store.Store) {
	m.st = st
	m.started = true
	go m.watch()
	go m.sink()
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

// complete hands the outlier on when both halves are in.
func (m *Monitor) complete(c *capture) {
	if c.parties.Add(-1) != 0 {
		return
	}
	select {
	case m.outliers <- c.o:
	default:
		m.dropped.Add(1)
	}
}

// Stats returns the monitor's counts.
func (m *Monitor) Stats() Stats {
	m.pan.mu.Lock()
	pd := m.pan.dropped
	m.pan.mu.Unlock()
	return Stats{Captured: m.captured.Load(), Skipped: m.skipped.Load(), Unwatched: m.unwatched.Load(), Dropped: m.dropped.Load(),
		Panics: m.panicCount.Load(), PanicsDropped: pd, Samples: m.samples.Load(), SamplesDropped: m.prof.Dropped()}
}

// Close stops the watchdog, then writes what is pending (outliers, panics,
// profiles, counters), retrying until ctx ends.
func (m *Monitor) Close(ctx context.Context) error {
	m.closeOnce.Do(func() {
		if !m.started {
			return
		}
		close(m.stop)
		<-m.watchDone
		m.closing <- ctx
		<-m.sinkDone
	})
	return m.closeErr
}

// watch is the watchdog goroutine.
func (m *Monitor) watch() {
	defer close(m.watchDone)
	every := min(m.opts.ScanInterval, m.opts.SamplingPeriod)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if !m.Watching() {
			select {
			case <-m.wake:
			case <-m.stop:
				return
			}
			continue
		}
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		m.safeTick()
	}
}

// safeTick runs one tick, and turns a panic in it (a bug of ours, or of a
// library reading the machine's figures) into a log line: the service
// must not crash because of its monitor.
func (m *Monitor) safeTick() {
	defer func() {
		if v := recover(); v != nil {
			m.log.Error("dashboard: outlier watchdog failed; going on", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	if m.host == nil {
		m.host = newHostReader()
	}
	wall := time.Now()
	m.host.refresh(wall)
	m.tick(int64(m.clock.Mono()), wall)
}

type due struct {
	slot int
	c    *capture
}

// tick scans the slots, captures the requests past their deadline and
// samples the profiled ones when a sample is due.
func (m *Monitor) tick(now int64, wall time.Time) {
	m.refill(now)
	var dues []due
	profiled := false
	sampleDue := now >= m.nextSample
	for i := range m.t.slots {
		s := &m.t.slots[i]
		w := s.word.Load()
		st := w & stateMask
		m.gens[i] = 0
		if st == stateFree || st == stateClaimed {
			continue
		}
		if sampleDue && w&profileBit != 0 {
			profiled = true
			m.gens[i] = w >> genShift
		}
		if st != stateArmed {
			continue
		}
		dl := s.deadline.Load()
		if now < dl {
			continue
		}
		ep, start := s.ep.Load(), s.start.Load()
		if m.tokens < 1 {
			if s.word.CompareAndSwap(w, w&^stateMask|stateSkipped) {
				m.skipped.Add(1)
			}
			continue
		}
		avg, _ := ep.Avg.Load() // now: the request's own time is not in it yet
		c := &capture{o: store.Outlier{
			Service: m.opts.Service, Instance: m.opts.Instance, Version: m.opts.Version, Endpoint: ep.Name,
			Start:   time.UnixMicro(m.clock.WallMicros(time.Duration(start))),
			Average: avg, Threshold: time.Duration(dl - start), CapturedAfter: time.Duration(now - start),
		}}
		c.parties.Store(2)
		s.capture.Store(c)
		if !s.word.CompareAndSwap(w, w&^stateMask|stateCaptured) {
			continue // the request ended meanwhile
		}
		m.tokens--
		m.captured.Add(1)
		dues = append(dues, due{i, c})
	}
	if !profiled && len(dues) == 0 {
		return
	}
	began := time.Now()
	gs, err := goroutines(&m.buf, m.t.prefix)
	m.readCost = time.Since(began)
	if err != nil {
		m.log.Warn("dashboard: reading goroutine stacks", "err", err)
		for _, d := range dues {
			m.complete(d.c)
		}
		return
	}
	if len(dues) > 0 {
		m.finishCaptures(gs, dues, wall)
	}
	if profiled {
		m.sample(gs, now)
	}
}

// refill adds capture tokens at the configured rate, up to one minute's
// worth.
func (m *Monitor) refill(now int64) {
	if m.refilled != 0 {
		perNs := float64(m.opts.CapturesPerMinute) / float64(time.Minute)
		m.tokens = min(float64(m.opts.CapturesPerMinute), m.tokens+float64(now-m.refilled)*perNs)
	}
	m.refilled = now
}

func (m *Monitor) finishCaptures(gs []gstack, dues []due, wall time.Time) {
	// Goroutines a handler starts inherit its labels, so a slot's label
	// may mark several stacks: the request's own is the one that runs
	// the server's connection loop (or the dashboard's request path).
	own := map[int][]profiler.Frame{}
	for _, g := range gs {
		if g.slot < 0 {
			continue
		}
		if prev, ok := own[g.slot]; !ok || !servesRequest(prev) && servesRequest(g.frames) {
			own[g.slot] = g.frames
		}
	}
	host := m.host.snapshot(wall)
	dump := dumpGoroutines(gs)
	for _, d := range dues {
		if fs := own[d.slot]; fs != nil {
			d.c.o.Stack = storeFrames(fs)
		}
		d.c.o.Goroutines = dump
		d.c.o.Host = host
		m.complete(d.c)
	}
}

// maxSamplerShare bounds the time the sampler spends reading stacks: the
// goroutine profile costs about 0.7µs per goroutine of the process (7ms
// with 10,000 goroutines, BenchmarkGoroutineProfile), so in a process with
// many goroutines the period is stretched to keep the sampler under about
// 5% of a core. Each sample stands for the time since the previous one,
// so the profile's wall times stay right; it only gets coarser.
const maxSamplerShare = 20

// sample adds the stacks of profiled requests to the profiler, each
// standing for the wall time since the previous sample.
func (m *Monitor) sample(gs []gstack, now int64) {
	period := max(int64(m.opts.SamplingPeriod), int64(m.readCost)*maxSamplerShare)
	wall := now - m.lastSample
	if m.lastSample == 0 || wall > 2*period {
		wall = period // the first sample, or the watchdog was held up
	}
	m.lastSample = now
	m.nextSample = now + period - period/10 // a tick late must not skip a period
	for _, g := range gs {
		i := g.slot
		if i < 0 || i >= len(m.gens) || m.gens[i] == 0 {
			continue
		}
		sl := &m.t.slots[i]
		w := sl.word.Load()
		if w>>genShift != m.gens[i] || w&stateMask == stateFree {
			continue // the request ended while the stacks were read
		}
		ep := sl.ep.Load()
		if ep == nil {
			continue
		}
		m.prof.Add(ep.Name, g.frames, time.Duration(wall))
		m.samples.Add(1)
	}
}

// sink is the writer goroutine.
func (m *Monitor) sink() {
	defer close(m.sinkDone)
	t := time.NewTicker(m.opts.FlushInterval)
	defer t.Stop()
	w := &writer{m: m, lastProfile: time.Now()}
	for {
		select {
		case o := <-m.outliers:
			w.outliers = append(w.outliers, o)
			continue
		case <-t.C:
			w.safeFlush()
		case ctx := <-m.closing:
			m.closeErr = w.drain(ctx)
			return
		}
	}
}

// writer holds what waits to be written. Only the sink goroutine uses it.
type writer struct {
	m           *Monitor
	outliers    []store.Outlier
	profiles    []store.Profile
	lastProfile time.Time
	stored      map[string]int64 // counter values already written
	failing     bool
}

// Bounds of what waits while the database fails.
const (
	maxPendingOutliers = 100
	maxPendingProfiles = 500
)

// safeFlush is flush that survives a panic (of a store driver, say).
func (w *writer) safeFlush() {
	defer func() {
		if v := recover(); v != nil {
			w.m.log.Error("dashboard: writing outliers, panics or profiles failed", "panic", fmt.Sprint(v))
		}
	}()
	w.flush(context.Background(), false)
}

func (w *writer) flush(ctx context.Context, final bool) error {
	m := w.m
	var errs []error
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if len(w.outliers) > 0 {
		if err := m.st.WriteOutliers(wctx, w.outliers); err != nil {
			errs = append(errs, err)
			if n := len(w.outliers) - maxPendingOutliers; n > 0 {
				m.dropped.Add(int64(n))
				w.outliers = append(w.outliers[:0], w.outliers[n:]...)
			}
		} else {
			w.outliers = w.outliers[:0]
		}
	}
	if ps := m.pan.take(); len(ps) > 0 {
		if err := m.st.WritePanics(wctx, ps); err != nil {
			errs = append(errs, err)
			m.pan.putBack(ps)
		}
	}
	if final || time.Since(w.lastProfile) >= m.opts.ProfileFlush {
		now := time.Now()
		if m.prof.Pending() {
			ps, err := m.prof.Flush(m.opts.Service, m.opts.Instance, m.opts.Version, now)
			if err != nil {
				errs = append(errs, err)
			}
			w.profiles = append(w.profiles, ps...)
		}
		w.lastProfile = now
	}
	if len(w.profiles) > 0 {
		if err := m.st.WriteProfiles(wctx, w.profiles); err != nil {
			errs = append(errs, err)
			if n := len(w.profiles) - maxPendingProfiles; n > 0 {
				w.profiles = append(w.profiles[:0], w.profiles[n:]...)
			}
		} else {
			w.profiles = w.profiles[:0]
		}
	}
	if err := w.counters(wctx); err != nil {
		errs = append(errs, err)
	}
	err := errors.Join(errs...)
	if err != nil && !w.failing {
		m.log.Error("dashboard: writing outliers, panics or profiles failed; retrying every second", "err", err)
	}
	w.failing = err != nil
	return err
}

func (w *writer) counters(ctx context.Context) error {
	m := w.m
	st := m.Stats()
	now := map[string]int64{
		CounterCaptured: st.Captured, CounterSkipped: st.Skipped, CounterUnwatched: st.Unwatched,
		CounterDropped: st.Dropped, CounterPanicDropped: st.PanicsDropped, CounterSampleDrop: st.SamplesDropped,
	}
	if w.stored == nil {
		w.stored = map[string]int64{}
	}
	b := &store.Batch{Service: m.opts.Service, Instance: m.opts.Instance}
	for _, name := range []string{CounterCaptured, CounterSkipped, CounterUnwatched, CounterDropped, CounterPanicDropped, CounterSampleDrop} {
		if d := now[name] - w.stored[name]; d != 0 {
			b.Counters = append(b.Counters, store.Counter{Service: m.opts.Service, Instance: m.opts.Instance, Name: name, Value: d})
		}
	}
	if len(b.Counters) == 0 {
		return nil
	}
	if err := m.st.Write(ctx, b); err != nil {
		return err
	}
	w.stored = now
	return nil
}

// drain writes everything pending when Close is called, retrying until
// ctx ends.
func (w *writer) drain(ctx context.Context) error {
	for {
		select {
		case o := <-w.m.outliers:
			w.outliers = append(w.outliers, o)
			continue
		default:
		}
		break
	}
	for {
		err := w.flush(ctx, true)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("dashboard: outliers, panics and profiles not all written: %w", errors.Join(ctx.Err(), err))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// servesRequest reports whether a stack is a request's own goroutine
// rather than one the handler started.
func servesRequest(fs []profiler.Frame) bool {
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].Func == "net/http.(*conn).serve" || strings.HasPrefix(fs[i].Func, dashboardPath+".(*Dashboard).") {
			return true
		}
	}
	return false
}

const dashboardPath = "github.com/go-monitoring-dashboard/dashboard"
