package outlier

import (
	"time"
)

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
