package chart

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzCharts feeds arbitrary names and values to every chart type: each
// must give well-formed XML with finite coordinates, and never panic.
func FuzzCharts(f *testing.F) {
	f.Add("GET /books/{id}", "v1.0.0", "alice", []byte{0, 0, 0, 0, 0, 0, 240, 63})
	f.Add("<script>", "\x00\xff", "&amp;", []byte{0, 0, 0, 0, 0, 0, 248, 127}) // NaN
	f.Add("", "", "", []byte{})
	f.Add("a", "a", "a", []byte{255, 255, 255, 255, 255, 255, 239, 127, 1, 0, 0, 0, 0, 0, 240, 255})
	f.Fuzz(func(t *testing.T, a, b, c string, raw []byte) {
		var values []float64
		for len(raw) >= 8 {
			values = append(values, math.Float64frombits(binary.LittleEndian.Uint64(raw)))
			raw = raw[8:]
		}
		if len(values) == 0 {
			values = []float64{0}
		}
		for kind, out := range everyChart([]string{a, b, c}, values) {
			if err := checkSVG(out); err != nil {
				t.Fatalf("%s: %v\n%s", kind, err, out)
			}
		}
	})
}
