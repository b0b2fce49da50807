package chart

import (
	"encoding/xml"
	"fmt"
	"html/template"
	"math"
	"strings"
	"testing"
	"time"
)

// evilNames are attacker-controlled strings as they may reach a chart:
// endpoint paths, user names and addresses taken from requests.
var evilNames = []string{
	`<script>alert(1)</script>`,
	`"><svg onload=alert(1)>`,
	`' onmouseover='alert(1)`,
	`a & b &amp; c &#x3c;`,
	"ctrl \x00\x01\x07\x1b\x7f end",
	"bad utf-8 \xff\xfe\xc3",
	"noncharacters \ufffe\uffff",
	"]]><!-- --><?pi?>",
	"new\nline\ttab\rcr",
	"</title><script>x</script>",
}

// everyChart renders each chart type with the given names and values.
func everyChart(names []string, values []float64) map[string]template.HTML {
	n := func(i int) string { return names[i%len(names)] }
	v := func(i int) float64 { return values[i%len(values)] }
	rows := [][]float64{}
	for r := 0; r < 3; r++ {
		row := []float64{}
		for c := 0; c < 4; c++ {
			row = append(row, v(r*4+c))
		}
		rows = append(rows, row)
	}
	var series, lines []Series
	var boxes []Box
	var bubbles []Bubble
	var ts []TimeSeries
	for i := 0; i < 3; i++ {
		series = append(series, Series{Name: n(i), Color: n(i + 1), Values: []float64{v(i), v(i + 1), v(i + 2)}})
		lines = append(lines, Series{Name: n(i + 2), Values: []float64{v(i + 3), v(i + 4), v(i + 5)}})
		boxes = append(boxes, Box{Label: n(i), Note: n(i + 1), Color: n(i + 2), Min: v(i), Q1: v(i + 1), Median: v(i + 2), Q3: v(i + 3), Max: v(i + 4), N: int64(v(i + 5))})
		bubbles = append(bubbles, Bubble{X: n(i), Y: n(i + 1), Size: v(i), Count: int64(v(i + 1)), Note: n(i + 2)})
		s := TimeSeries{Name: n(i), Color: n(i + 2)}
		for k := 0; k < 4; k++ {
			s.Points = append(s.Points, Point{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(v(i+k)) * time.Second), v(i + k + 1)})
		}
		ts = append(ts, s)
	}
	root := &Frame{Name: n(0), Value: v(0), Children: []*Frame{
		{Name: n(1), Value: v(1), Children: []*Frame{{Name: n(2), Value: v(2)}}},
		{Name: n(3), Value: v(3)},
	}}
	return map[string]template.HTML{
		"heatmap":      Heatmap{Title: n(0), Columns: []string{n(1), n(2), n(3), n(4)}, Rows: []string{n(5), n(6), n(7)}, Values: rows, Unit: n(8), ColumnName: n(9), RowName: n(10)}.SVG(),
		"bars":         Bars{Title: n(0), Labels: []string{n(1), n(2), n(3)}, Series: series, Lines: lines, Unit: n(4), LineUnit: "ms"}.SVG(),
		"bars stacked": Bars{Title: n(0), Labels: []string{n(1), n(2), n(3)}, Series: series, Stacked: true, Lines: lines, Unit: n(4)}.SVG(),
		"boxplot":      BoxPlot{Title: n(0), Boxes: boxes, Unit: n(1)}.SVG(),
		"boxplot log":  BoxPlot{Title: n(0), Boxes: boxes, Unit: "ms", Log: true}.SVG(),
		"bubble":       BubblePlot{Title: n(0), XLabels: []string{n(1)}, YLabels: []string{n(2)}, Bubbles: bubbles, SizeUnit: n(3)}.SVG(),
		"lines":        Lines{Title: n(0), Series: ts, Unit: n(1)}.SVG(),
		"lines stacked": Lines{Title: n(0), Series: ts, Unit: n(1), Stacked: true,
			Loc: time.FixedZone(n(2), 3600)}.SVG(),
		"flame": FlameGraph{Title: n(0), Root: root, Unit: n(1)}.SVG(),
	}
}

// TestEscaping: attacker-controlled text reaches the output only as text,
// never as markup, and the output stays well-formed.
func TestEscaping(t *testing.T) {
	for kind, out := range everyChart(evilNames, []float64{1, 2, 3, 5, 8, 13}) {
		t.Run(kind, func(t *testing.T) {
			if err := checkSVG(out); err != nil {
				t.Fatal(err)
			}
			s := strings.ToLower(string(out))
			for _, bad := range []string{"<script", "<svg onload", "<!--", "<?pi", "]]>", "\x00", "\x1b"} {
				if strings.Contains(s, bad) {
					t.Errorf("output contains %q", bad)
				}
			}
			// The names are kept as text: the parsed document holds them.
			text := parsedText(t, out)
			if !strings.Contains(text, "<script>alert(1)</script>") && !strings.Contains(text, "<script>alert(1)</scr") {
				t.Errorf("escaped name lost from the text: %.300q", text)
			}
		})
	}
}

// parsedText returns all character data and attribute values of a document.
func parsedText(t *testing.T, out template.HTML) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(out)))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch x := tok.(type) {
		case xml.CharData:
			b.Write(x)
		case xml.StartElement:
			for _, a := range x.Attr {
				b.WriteString(a.Value)
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// TestEdgeCases: inputs a dashboard meets (no data, one value, zeros,
// huge and negative values, NaN and infinities, long and numerous names)
// render valid SVG without panicking.
func TestEdgeCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	long := strings.Repeat("GET /very/long/path/{segment}", 20)
	var hundreds []string
	for i := 0; i < 400; i++ {
		hundreds = append(hundreds, fmt.Sprintf("user-%03d@example.com", i))
	}
	for _, tc := range []struct {
		name   string
		names  []string
		values []float64
	}{
		{"ordinary", []string{"a", "b", "c"}, []float64{1, 2, 3}},
		{"zeros", []string{"a", "b"}, []float64{0}},
		{"one value", []string{"only"}, []float64{42}},
		{"huge", []string{"a", "b"}, []float64{1e12, 3e15, 1e300}},
		{"negative", []string{"a", "b"}, []float64{-5, 3, -1e9}},
		{"NaN", []string{"a", "b"}, []float64{nan}},
		{"NaN among values", []string{"a", "b"}, []float64{1, nan, 3, nan}},
		{"infinities", []string{"a", "b"}, []float64{inf, -inf, 2}},
		{"tiny", []string{"a"}, []float64{1e-300, 5e-324}},
		{"empty names", []string{""}, []float64{1, 2}},
		{"long names", []string{long, long + "x"}, []float64{1, 2, 3}},
		{"hundreds of names", hundreds, []float64{1, 7, 3, 9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for kind, out := range everyChart(tc.names, tc.values) {
				if err := checkSVG(out); err != nil {
					t.Errorf("%s: %v", kind, err)
				}
			}
		})
	}
}

// TestNoData: charts without data say so instead of drawing empty axes.
func TestNoData(t *testing.T) {
	nan := math.NaN()
	for name, out := range map[string]template.HTML{
		"heatmap":            Heatmap{}.SVG(),
		"heatmap of NaN":     Heatmap{Rows: []string{"a"}, Columns: []string{"b"}, Values: [][]float64{{nan}}}.SVG(),
		"bars":               Bars{}.SVG(),
		"bars without value": Bars{Labels: []string{"a"}, Series: []Series{{Name: "s"}}}.SVG(),
		"boxplot":            BoxPlot{Boxes: []Box{{Label: "a", Min: nan, Q1: nan, Median: nan, Q3: nan, Max: nan}}}.SVG(),
		"bubble":             BubblePlot{XLabels: []string{"a"}}.SVG(),
		"lines":              Lines{Series: []TimeSeries{{Name: "a"}}}.SVG(),
		"lines of NaN":       Lines{Series: []TimeSeries{{Name: "a", Points: []Point{{time.Unix(0, 0), nan}}}}}.SVG(),
		"flame":              FlameGraph{}.SVG(),
		"flame of zero":      FlameGraph{Root: &Frame{Name: "root"}}.SVG(),
	} {
		t.Run(name, func(t *testing.T) {
			if err := checkSVG(out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), ">No data<") {
				t.Errorf("no message in %s", out)
			}
		})
	}
}

// TestLongNamesKeptInTitle: a label cut to fit keeps the full name for hover.
func TestLongNamesKeptInTitle(t *testing.T) {
	long := "GET /api/v2/organisations/{organisation}/projects/{project}/environments/{environment}/deployments/{id}"
	for kind, out := range everyChart([]string{long}, []float64{1, 2, 3}) {
		s := string(out)
		if !strings.Contains(s, "…") {
			t.Errorf("%s: long name not shortened anywhere", kind)
		}
		if !strings.Contains(s, "<title>"+template.HTMLEscapeString(long)) && !strings.Contains(s, "<title>"+strings.ReplaceAll(long, "&", "&amp;")) {
			t.Errorf("%s: full name not in any hover title", kind)
		}
	}
}

// TestThinnedLabels: with hundreds of categories, labels are thinned so
// they do not overlap.
func TestThinnedLabels(t *testing.T) {
	labels := make([]string, 500)
	values := make([]float64, 500)
	for i := range labels {
		labels[i] = fmt.Sprintf("2026-03-%02d %02d:00", i/24%28+1, i%24)
		values[i] = float64(i)
	}
	out := string(Bars{Labels: labels, Series: []Series{{Name: "n", Values: values}}}.SVG())
	shown := strings.Count(out, `class="gmd-tick" text-anchor="middle"`)
	if shown == 0 || shown > 960/int(textWidth(labels[0])) {
		t.Errorf("%d of 500 labels drawn; they cannot fit without overlapping", shown)
	}
	if n := strings.Count(out, `class="gmd-bar"`); n != 500 {
		t.Errorf("%d bars, want 500", n)
	}
}

// TestMarksCarryValues: hover titles hold the exact formatted values.
func TestMarksCarryValues(t *testing.T) {
	out := string(Bars{Labels: []string{"10:00"}, Series: []Series{{Name: "requests", Values: []float64{1234}}}, Unit: "requests"}.SVG())
	if !strings.Contains(out, "<title>10:00\n1,234 requests</title>") {
		t.Errorf("bar title missing: %s", out)
	}
	out = string(BoxPlot{Boxes: []Box{{Label: "v1", Min: 1, Q1: 2, Median: 3, Q3: 4, Max: 5, N: 10}}, Unit: "ms"}.SVG())
	if !strings.Contains(out, "<title>v1\nmin 1 ms\nQ1 2 ms\nmedian 3 ms\nQ3 4 ms\nmax 5 ms\nn = 10</title>") {
		t.Errorf("box title missing: %s", out)
	}
	out = string(Heatmap{Columns: []string{"Mar 4"}, Rows: []string{"10"}, Values: [][]float64{{7}}, Unit: "requests", ColumnName: "day", RowName: "hour"}.SVG())
	if !strings.Contains(out, "<title>day Mar 4, hour 10\n7 requests</title>") {
		t.Errorf("cell title missing: %s", out)
	}
}

func TestFlameGraphBounded(t *testing.T) {
	// A cycle: a frame that is its own child.
	loop := &Frame{Name: "loop", Value: 1}
	loop.Children = []*Frame{loop}
	if err := checkSVG(FlameGraph{Root: loop}.SVG()); err != nil {
		t.Fatal(err)
	}
	// Very wide: frames below the minimum share are left out.
	wide := &Frame{Name: "root", Value: 1e6}
	for i := 0; i < 100000; i++ {
		wide.Children = append(wide.Children, &Frame{Name: fmt.Sprint(i), Value: 10})
	}
	out := FlameGraph{Root: wide}.SVG()
	if err := checkSVG(out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), `class="gmd-frame"`); n != 1 {
		t.Errorf("%d frames drawn, want only the root (children are 1/100000 each)", n)
	}
	// Children larger than their parent are fitted into it.
	over := &Frame{Name: "root", Value: 1, Children: []*Frame{{Name: "a", Value: 3}, {Name: "b", Value: 1}}}
	s := string(FlameGraph{Root: over}.SVG())
	if !strings.Contains(s, `data-x="0.75" data-w="0.25"`) {
		t.Errorf("children not fitted into the parent: %s", s)
	}
}

// TestCheckSVGRejects makes sure the checker used by every test above can
// fail.
func TestCheckSVGRejects(t *testing.T) {
	ok := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img" aria-label="x"><title>x</title>`
	for name, bad := range map[string]string{
		"not XML":         ok + `<rect></svg>`,
		"script":          ok + `<script>alert(1)</script></svg>`,
		"event handler":   ok + `<rect onclick="x"/></svg>`,
		"style attribute": ok + `<rect style="fill:red"/></svg>`,
		"NaN coordinate":  ok + `<rect x="NaN"/></svg>`,
		"Inf in a path":   ok + `<path d="M0 0L+Inf 3"/></svg>`,
		"negative width":  ok + `<rect width="-3"/></svg>`,
		"mark w/o title":  ok + `<rect class="gmd-bar" x="1"/></svg>`,
		"no role":         `<svg viewBox="0 0 1 1" aria-label="x"></svg>`,
		"two roots":       ok + `</svg>` + ok + `</svg>`,
		"control char":    ok + "<text>\x01</text></svg>",
	} {
		if err := checkSVG(template.HTML(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
