package outlier

import (
	"os"
	"runtime"
	"runtime/metrics"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/mem"
	"github.com/shirou/gopsutil/v4/process"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// hostReader reads the machine's and the runtime's figures for captures.
// CPU shares are differences between two readings of the CPU times: the
// watchdog refreshes a baseline every second while it watches, so a
// capture shows the load of about the last second without waiting for it.
// Only the watchdog goroutine uses it.
type hostReader struct {
	proc     *process.Process // nil when the process cannot be inspected
	base     cpuReading
	prevBase cpuReading
	samples  []metrics.Sample
}

type cpuReading struct {
	at   time.Time
	per  []cpu.TimesStat
	proc float64 // process user+system seconds
}

// minCPUInterval is the shortest interval over which CPU shares mean
// something: /proc/stat counts in 10 ms ticks.
const minCPUInterval = 200 * time.Millisecond

func newHostReader() *hostReader {
	h := &hostReader{samples: []metrics.Sample{
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/sched/pauses/total/gc:seconds"},
	}}
	if p, err := process.NewProcess(int32(os.Getpid())); err == nil {
		h.proc = p
	}
	h.refresh(time.Now())
	return h
}

func (h *hostReader) read(now time.Time) cpuReading {
	r := cpuReading{at: now}
	r.per, _ = cpu.Times(true)
	if h.proc != nil {
		if t, err := h.proc.Times(); err == nil {
			r.proc = t.User + t.System
		}
	}
	return r
}

// refresh takes a new baseline once a second.
func (h *hostReader) refresh(now time.Time) {
	if now.Sub(h.base.at) < time.Second {
		return
	}
	h.prevBase, h.base = h.base, h.read(now)
}

// snapshot returns the figures now.
func (h *hostReader) snapshot(now time.Time) store.Host {
	var s store.Host
	cur := h.read(now)
	base := h.base
	if now.Sub(base.at) < minCPUInterval && !h.prevBase.at.IsZero() {
		base = h.prevBase
	}
	if len(cur.per) == len(base.per) && len(cur.per) > 0 {
		for i := range cur.per {
			s.CPUPercent = append(s.CPUPercent, busy(base.per[i], cur.per[i]))
		}
		if secs := cur.at.Sub(base.at).Seconds(); secs > 0 {
			s.ProcessCPU = max(0, (cur.proc-base.proc)/secs*100)
		}
	} else {
		s.MachineUnknown = true
	}
	if vm, err := mem.VirtualMemory(); err == nil {
		s.MemTotal, s.MemUsed = vm.Total, vm.Used
	} else {
		s.MachineUnknown = true
	}
	if h.proc != nil {
		if mi, err := h.proc.MemoryInfo(); err == nil {
			s.ProcessRSS = mi.RSS
		}
	}
	metrics.Read(h.samples)
	s.Goroutines = int(h.samples[0].Value.Uint64())
	s.HeapAlloc = h.samples[1].Value.Uint64()
	s.HeapGoal = h.samples[2].Value.Uint64()
	s.GCCycles = h.samples[3].Value.Uint64()
	if h.samples[4].Value.Kind() == metrics.KindFloat64Histogram {
		s.GCPauseTotal = histogramSum(h.samples[4].Value.Float64Histogram())
	}
	s.GOMAXPROCS = runtime.GOMAXPROCS(0)
	return s
}

// busy is the share of time a core was not idle between two readings.
func busy(a, b cpu.TimesStat) float64 {
	total := func(t cpu.TimesStat) float64 { return t.Total() - t.Guest - t.GuestNice }
	idle := func(t cpu.TimesStat) float64 { return t.Idle + t.Iowait }
	dt := total(b) - total(a)
	if dt <= 0 {
		return 0
	}
	return min(100, max(0, (dt-(idle(b)-idle(a)))/dt*100))
}

// histogramSum estimates the sum of a runtime histogram from its bucket
// midpoints (the runtime keeps no exact total of pause times).
func histogramSum(h *metrics.Float64Histogram) float64 {
	var sum float64
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		switch {
		case lo < -1e300:
			lo = hi
		case hi > 1e300:
			hi = lo
		}
		sum += float64(n) * (lo + hi) / 2
	}
	return sum
}
