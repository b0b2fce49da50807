package diag

import (
	"fmt"
	"html/template"
	"math"

	"github.com/go-monitoring-dashboard/dashboard/internal/chart"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// CPUChart draws an outlier's CPU per core, and the process's, as bars.
func CPUChart(h store.Host) template.HTML {
	if len(h.CPUPercent) == 0 {
		return chart.Bars{Title: "CPU while the request was slow"}.SVG()
	}
	labels := make([]string, 0, len(h.CPUPercent)+1)
	busy := make([]float64, 0, len(h.CPUPercent)+1)
	for i, p := range h.CPUPercent {
		labels = append(labels, fmt.Sprintf("core %d", i))
		busy = append(busy, p)
	}
	labels = append(labels, "this process")
	busy = append(busy, h.ProcessCPU/float64(max(1, len(h.CPUPercent)))) // as a share of the machine
	return chart.Bars{
		Title:  "CPU busy, about the last second",
		Labels: labels,
		Series: []chart.Series{{Name: "busy", Values: busy}},
		Unit:   "%",
	}.SVG()
}

// MemoryChart draws an outlier's process memory: resident, the Go heap
// and where the next GC starts. The machine's memory, gigabytes against
// these megabytes, would flatten them; pages show it as text.
func MemoryChart(h store.Host) template.HTML {
	labels := []string{"process (RSS)", "Go heap", "next GC at"}
	vals := []float64{float64(h.ProcessRSS), float64(h.HeapAlloc), float64(h.HeapGoal)}
	for i, v := range vals {
		if v == 0 {
			vals[i] = math.NaN() // unknown, not zero
		}
	}
	return chart.Bars{
		Title:  "Memory of the process",
		Labels: labels,
		Series: []chart.Series{{Name: "bytes", Values: vals}},
		Unit:   "B",
	}.SVG()
}

// FlameChart draws a profile's call tree; a click on a frame zooms in
// (with chart.Script on the page).
func FlameChart(v *ProfileView) template.HTML {
	return chart.FlameGraph{Title: "Wall time of " + v.Endpoint + " in " + v.Version, Root: frames2chart(v.Root, 0), Unit: "ms"}.SVG()
}

// frames2chart converts the call tree to the chart's, in milliseconds.
func frames2chart(n *Node, depth int) *chart.Frame {
	if n == nil || depth > 512 {
		return nil
	}
	f := &chart.Frame{Name: n.Name, Value: float64(n.Value) / 1e6}
	for _, c := range n.Children {
		if cf := frames2chart(c, depth+1); cf != nil {
			f.Children = append(f.Children, cf)
		}
	}
	return f
}

// CompareChart draws, for the functions whose share of the endpoint's time
// changed most, their share in both versions.
func CompareChart(c *Comparison, n int) template.HTML {
	rows := c.Rows
	if len(rows) > n {
		rows = rows[:n]
	}
	labels := make([]string, len(rows))
	a, b := make([]float64, len(rows)), make([]float64, len(rows))
	for i, r := range rows {
		labels[i] = r.Func
		a[i], b[i] = 100*r.ShareA, 100*r.ShareB
	}
	return chart.Bars{
		Title:  "Share of the endpoint's wall time, " + c.A + " against " + c.B,
		Labels: labels,
		Series: []chart.Series{{Name: c.A, Color: chart.Color(c.A), Values: a}, {Name: c.B, Color: chart.Color(c.B), Values: b}},
		Unit:   "%",
	}.SVG()
}
