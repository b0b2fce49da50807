package outlier

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/profiler"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

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
