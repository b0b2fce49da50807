package outlier

import (
	"sync"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The monitor is a recorder.Source: the recorder's writer collects the
// outliers, panics and profiles it gathered with its batches, writes its
// counters, and hands back what it had to drop.

// maxPendingOutliers bounds the outliers waiting for the writer to collect
// them; further ones are dropped and counted until it does.
const maxPendingOutliers = 100

// outliers keeps finished outliers until the writer collects them.
type outliers struct {
	mu      sync.Mutex
	list    []store.Outlier
	dropped int64
}

func (p *outliers) add(o store.Outlier) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) >= maxPendingOutliers {
		p.dropped++
		return
	}
	p.list = append(p.list, o)
}

func (p *outliers) take() []store.Outlier {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.list
	p.list = nil
	return l
}

func (p *outliers) addDropped(n int64) {
	p.mu.Lock()
	p.dropped += n
	p.mu.Unlock()
}

func (p *outliers) droppedCount() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped
}

// Collect moves the finished outliers and the panic groups into b, and
// the profiles when ProfileFlush has passed since the last ones (or final
// is set, when the recorder closes).
func (m *Monitor) Collect(b *store.Batch, final bool) {
	b.Outliers = append(b.Outliers, m.out.take()...)
	b.Panics = append(b.Panics, m.pan.take()...)
	now := time.Now()
	if !final && now.Sub(m.lastProfile) < m.opts.ProfileFlush {
		return
	}
	m.lastProfile = now
	if !m.prof.Pending() {
		return
	}
	ps, err := m.prof.Flush(m.opts.Service, m.opts.Instance, m.opts.Version, now)
	if err != nil {
		m.log.Warn("dashboard: encoding profiles", "err", err)
	}
	b.Profiles = append(b.Profiles, ps...)
}

// Dropped counts what the writer dropped: its backlog was full while the
// database failed.
func (m *Monitor) Dropped(b *store.Batch) {
	m.out.addDropped(int64(len(b.Outliers)))
	var n int64
	for _, p := range b.Panics {
		n += p.Count
	}
	m.pan.mu.Lock()
	m.pan.dropped += n
	m.pan.mu.Unlock()
	var s int64
	for _, p := range b.Profiles {
		s += p.Samples
	}
	m.samplesDropped.Add(s)
}

// Counters returns the monitor's counts, for the writer to store.
func (m *Monitor) Counters() []store.Counter {
	st := m.Stats()
	return []store.Counter{
		{Name: CounterCaptured, Value: st.Captured},
		{Name: CounterSkipped, Value: st.Skipped},
		{Name: CounterUnwatched, Value: st.Unwatched},
		{Name: CounterDropped, Value: st.Dropped},
		{Name: CounterPanicDropped, Value: st.PanicsDropped},
		{Name: CounterSampleDrop, Value: st.SamplesDropped},
	}
}
