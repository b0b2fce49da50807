package chart

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// The dashboard renders several charts per page view; each should cost
// well under a millisecond at the sizes the pages use.

func BenchmarkHeatmap24x30(b *testing.B) {
	h := Heatmap{Title: "Requests", Unit: "requests", ColumnName: "day", RowName: "hour"}
	for d := 0; d < 30; d++ {
		h.Columns = append(h.Columns, day(d).Format("Jan 2"))
	}
	for r := 0; r < 24; r++ {
		h.Rows = append(h.Rows, fmt.Sprintf("%02d", r))
		row := make([]float64, 30)
		for d := range row {
			row[d] = float64((r*31 + d*17) % 500)
		}
		h.Values = append(h.Values, row)
	}
	benchSVG(b, h.SVG)
}

func BenchmarkBars48(b *testing.B) {
	c := Bars{Title: "Per hour", Unit: "requests", LineUnit: "ms"}
	s := Series{Name: "requests"}
	lines := []Series{{Name: "min"}, {Name: "average"}, {Name: "max"}}
	for i := 0; i < 48; i++ {
		c.Labels = append(c.Labels, fmt.Sprintf("%02d", i%24))
		s.Values = append(s.Values, float64(100+i*13%200))
		for k := range lines {
			lines[k].Values = append(lines[k].Values, float64(10*(k+1)+i%7))
		}
	}
	c.Series, c.Lines = []Series{s}, lines
	benchSVG(b, c.SVG)
}

func BenchmarkBoxPlot50(b *testing.B) {
	c := BoxPlot{Title: "Per user", Unit: "ms"}
	for i := 0; i < 50; i++ {
		m := float64(10 + i)
		c.Boxes = append(c.Boxes, Box{Label: fmt.Sprintf("user%02d@example.com", i), Note: "first seen 2026-03-04 10:12",
			Min: m / 4, Q1: m / 2, Median: m, Q3: 2 * m, Max: 5 * m, N: int64(100 * i)})
	}
	benchSVG(b, c.SVG)
}

func BenchmarkBubble100x10(b *testing.B) {
	c := BubblePlot{Title: "User × version", SizeUnit: "ms"}
	for v := 0; v < 10; v++ {
		c.XLabels = append(c.XLabels, fmt.Sprintf("v1.%d.0", v))
	}
	for u := 0; u < 100; u++ {
		c.YLabels = append(c.YLabels, fmt.Sprintf("user%03d", u))
		for v := 0; v < 10; v++ {
			c.Bubbles = append(c.Bubbles, Bubble{X: c.XLabels[v], Y: c.YLabels[u], Size: float64((u*7 + v*13) % 90), Count: int64(u + v)})
		}
	}
	benchSVG(b, c.SVG)
}

func BenchmarkLines4x120(b *testing.B) {
	c := Lines{Title: "Status codes", Unit: "requests"}
	for _, code := range []string{"200", "304", "404", "500"} {
		s := TimeSeries{Name: code}
		for i := 0; i < 120; i++ {
			s.Points = append(s.Points, Point{day(0).Add(time.Duration(i) * 6 * time.Hour), 100 + 50*math.Sin(float64(i))})
		}
		c.Series = append(c.Series, s)
	}
	benchSVG(b, c.SVG)
}

func BenchmarkFlameGraph1000(b *testing.B) {
	root := &Frame{Name: "root"}
	for i := 0; i < 100; i++ {
		f := &Frame{Name: fmt.Sprintf("pkg.caller%d", i), Value: 10}
		for k := 0; k < 9; k++ {
			f.Children = append(f.Children, &Frame{Name: fmt.Sprintf("pkg.callee%d", k), Value: 1})
		}
		root.Children = append(root.Children, f)
	}
	benchSVG(b, FlameGraph{Title: "Profile", Root: root, Unit: "samples"}.SVG)
}

func benchSVG[T ~string](b *testing.B, svg func() T) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = len(svg())
	}
	b.ReportMetric(float64(n), "bytes/svg")
}
