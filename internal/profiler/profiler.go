// Package profiler turns stacks sampled from the goroutines of profiled
// requests into standard pprof profiles, per endpoint, and reads them
// back: merged per endpoint and version, as a call tree for a flame
// graph, as a table of functions, and as a comparison of two versions.
//
// Sampling is wall-clock: every goroutine serving a level-3 request is
// sampled each period whether it runs or waits, so time spent waiting for
// a database or a lock shows as clearly as time spent computing. A CPU
// profile would miss the waiting.
package profiler

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Frame is one call of a sampled stack.
type Frame struct {
	Func string
	File string
	Line int
}

// maxStacks bounds the distinct stacks kept per endpoint between two
// flushes; samples of further stacks are counted as dropped.
const maxStacks = 20000

// Aggregator collects samples until they are flushed into profiles. It is
// safe for concurrent use.
type Aggregator struct {
	mu      sync.Mutex
	period  time.Duration
	start   time.Time
	eps     map[string]*stacks
	dropped int64
}

type stacks struct {
	byKey map[string]*agg
	n     int64
	wall  time.Duration
}

type agg struct {
	frames []Frame // innermost first
	n      int64
	wall   time.Duration
}

// NewAggregator returns an aggregator for samples taken every period.
func NewAggregator(period time.Duration, now time.Time) *Aggregator {
	return &Aggregator{period: period, start: now, eps: map[string]*stacks{}}
}

// Add records that a goroutine of endpoint was seen in stack (innermost
// call first) and stands for wall time.
func (a *Aggregator) Add(endpoint string, stack []Frame, wall time.Duration) {
	var kb strings.Builder
	for _, f := range stack {
		kb.WriteString(f.Func)
		kb.WriteByte(0)
		kb.WriteString(f.File)
		kb.WriteByte(0)
		kb.WriteString(strconv.Itoa(f.Line))
		kb.WriteByte(1)
	}
	key := kb.String()
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.eps[endpoint]
	if s == nil {
		s = &stacks{byKey: map[string]*agg{}}
		a.eps[endpoint] = s
	}
	g := s.byKey[key]
	if g == nil {
		if len(s.byKey) >= maxStacks {
			a.dropped++
			return
		}
		g = &agg{frames: append([]Frame(nil), stack...)}
		s.byKey[key] = g
	}
	g.n++
	g.wall += wall
	s.n++
	s.wall += wall
}

// Dropped returns the samples dropped since the aggregator was made.
func (a *Aggregator) Dropped() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.dropped
}

// Pending reports whether samples wait to be flushed.
func (a *Aggregator) Pending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.eps) > 0
}

// Flush returns one profile per endpoint of the samples added since the
// last flush, and starts over.
func (a *Aggregator) Flush(service, instance, version string, now time.Time) ([]store.Profile, error) {
	a.mu.Lock()
	eps, start := a.eps, a.start
	a.eps, a.start = map[string]*stacks{}, now
	a.mu.Unlock()
	names := make([]string, 0, len(eps))
	for name := range eps {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []store.Profile
	for _, name := range names {
		s := eps[name]
		p := build(s, a.period, start, now)
		var buf bytes.Buffer
		if err := p.Write(&buf); err != nil {
			return out, err
		}
		out = append(out, store.Profile{Service: service, Instance: instance, Endpoint: name, Version: version,
			Start: start, End: now, Samples: s.n, Wall: s.wall, Data: buf.Bytes()})
	}
	return out, nil
}

// build makes a pprof profile with two values per sample: the number of
// samples and the wall time they stand for, in nanoseconds.
func build(s *stacks, period time.Duration, start, end time.Time) *profile.Profile {
	p := &profile.Profile{
		SampleType:        []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "wall", Unit: "nanoseconds"}},
		DefaultSampleType: "wall",
		PeriodType:        &profile.ValueType{Type: "wall", Unit: "nanoseconds"},
		Period:            int64(period),
		TimeNanos:         start.UnixNano(),
		DurationNanos:     int64(end.Sub(start)),
	}
	type fnKey struct{ name, file string }
	type locKey struct {
		fn   fnKey
		line int
	}
	fns := map[fnKey]*profile.Function{}
	locs := map[locKey]*profile.Location{}
	keys := make([]string, 0, len(s.byKey))
	for k := range s.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same samples make the same bytes
	for _, k := range keys {
		g := s.byKey[k]
		sample := &profile.Sample{Value: []int64{g.n, int64(g.wall)}}
		for _, f := range g.frames {
			fk := fnKey{f.Func, f.File}
			fn := fns[fk]
			if fn == nil {
				fn = &profile.Function{ID: uint64(len(p.Function) + 1), Name: f.Func, SystemName: f.Func, Filename: f.File}
				fns[fk] = fn
				p.Function = append(p.Function, fn)
			}
			lk := locKey{fk, f.Line}
			loc := locs[lk]
			if loc == nil {
				loc = &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn, Line: int64(f.Line)}}}
				locs[lk] = loc
				p.Location = append(p.Location, loc)
			}
			sample.Location = append(sample.Location, loc)
		}
		p.Sample = append(p.Sample, sample)
	}
	return p
}
