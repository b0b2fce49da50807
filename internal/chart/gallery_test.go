package chart

import (
	"flag"
	"fmt"
	"html/template"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var galleryDir = flag.String("gallery", "", "write gallery.html (every chart type and edge case) into this directory, and screenshots when chromium is installed")

// galleryCase is one chart on the gallery page; the same cases feed the
// golden files.
type galleryCase struct {
	name string
	svg  func() template.HTML
}

// TestGallery renders every chart on one page to look at in a browser:
//
//	go test ./internal/chart -run TestGallery -gallery=/tmp/chart-gallery
func TestGallery(t *testing.T) {
	if *galleryDir == "" {
		t.Skip("set -gallery=DIR to write the gallery page")
	}
	if err := os.MkdirAll(*galleryDir, 0o755); err != nil {
		t.Fatal(err)
	}
	head := "<!doctype html><meta charset=utf-8><title>chart gallery</title><style>" + CSS +
		`body{margin:20px;background:#f8fafc;font-family:system-ui,sans-serif;color:#111827}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px 20px;margin:0 0 20px;max-width:960px}
h2{font-size:12px;font-weight:500;color:#6b7280;margin:0 0 8px;font-family:ui-monospace,monospace}</style>`
	chromium, _ := exec.LookPath("chromium")
	var all strings.Builder
	all.WriteString(head)
	for _, c := range goldenCases() {
		svg := c.svg()
		section := fmt.Sprintf("<section><h2>%s</h2>%s</section>\n", template.HTMLEscapeString(c.name), svg)
		all.WriteString(section)
		page := filepath.Join(*galleryDir, c.name+".html")
		if err := os.WriteFile(page, []byte(head+section), 0o644); err != nil {
			t.Fatal(err)
		}
		if chromium == "" {
			continue
		}
		var w, h float64
		if _, err := fmt.Sscanf(string(svg)[strings.Index(string(svg), "viewBox=")+len(`viewBox="0 0 `):], "%g %g", &w, &h); err != nil {
			t.Fatalf("%s: no viewBox: %v", c.name, err)
		}
		png := filepath.Join(*galleryDir, c.name+".png")
		cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--no-first-run", "--hide-scrollbars", "--screenshot="+png, fmt.Sprintf("--window-size=1044,%d", int(h)+110), "file://"+page)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("chromium: %v\n%s", err, out)
		}
	}
	page := filepath.Join(*galleryDir, "gallery.html")
	if err := os.WriteFile(page, []byte(all.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s and one page (and screenshot, with chromium) per chart", page)
}

// day returns midnight UTC of a fixed date plus d days, so golden files do
// not depend on the clock.
func day(d int) time.Time { return time.Date(2026, 3, 1+d, 0, 0, 0, 0, time.UTC) }

func goldenCases() []galleryCase {
	nan := math.NaN()
	hours := make([]string, 24)
	for i := range hours {
		hours[i] = fmt.Sprintf("%02d", i)
	}
	days := make([]string, 30)
	for i := range days {
		days[i] = day(i).Format("Jan 2")
	}
	traffic := make([][]float64, 24)
	for h := range traffic {
		traffic[h] = make([]float64, 30)
		for d := range traffic[h] {
			// A working-hours bump, quieter weekends, and growth over the month.
			v := 40 + 400*math.Exp(-math.Pow(float64(h)-14, 2)/18)
			if (d+6)%7 >= 5 {
				v *= 0.3
			}
			traffic[h][d] = math.Round(v * (1 + float64(d)/40) * (0.8 + 0.4*math.Abs(math.Sin(float64(h*31+d*7)))))
		}
	}
	bars48 := make([]string, 48)
	reqs, minD, avgD, maxD := make([]float64, 48), make([]float64, 48), make([]float64, 48), make([]float64, 48)
	for i := range bars48 {
		bars48[i] = fmt.Sprintf("%02d", i%24)
		reqs[i] = math.Round(200 + 800*math.Exp(-math.Pow(float64(i%24)-14, 2)/20) + 50*math.Sin(float64(i)))
		avgD[i] = 20 + 10*math.Sin(float64(i)/4) + reqs[i]/50
		minD[i] = avgD[i] * 0.3
		maxD[i] = avgD[i] * (2.5 + math.Abs(math.Sin(float64(i*7))))
	}
	minD[10], avgD[10], maxD[10] = nan, nan, nan
	versions := []Box{
		{Label: "v1.0.0", Note: "first seen 2026-02-01 09:12", Min: 2.1, Q1: 8, Median: 12, Q3: 19, Max: 61, N: 48213},
		{Label: "v1.1.0", Note: "first seen 2026-02-14 17:40", Min: 1.9, Q1: 7.5, Median: 10.2, Q3: 15, Max: 48, N: 120440},
		{Label: "v1.2.0-rc1", Note: "first seen 2026-03-02 08:05", Min: 3, Q1: 14, Median: 22, Q3: 35, Max: 140, N: 3120},
		{Label: "a3f9c2e1b7d04c5e9f1a2b3c4d5e6f7a8b9c0d1e-dirty", Note: "first seen 2026-03-04 10:12", Min: 2, Q1: 7, Median: 9.8, Q3: 13, Max: 39, N: 987},
	}
	var users []string
	var bubbles []Bubble
	for i := 0; i < 12; i++ {
		users = append(users, fmt.Sprintf("user%02d@example.com", i))
	}
	vs := []string{"v1.0.0", "v1.1.0", "v1.2.0-rc1"}
	for i, u := range users {
		for j, v := range vs {
			if (i+j)%5 == 4 {
				continue
			}
			bubbles = append(bubbles, Bubble{X: v, Y: u, Size: 5 + float64((i*37+j*11)%60) + float64(i), Count: int64(10 + (i*j*13)%300)})
		}
	}
	var status []TimeSeries
	for _, code := range []string{"200", "304", "404", "500"} {
		s := TimeSeries{Name: code}
		for d := 0; d < 30; d++ {
			for h := 0; h < 24; h += 6 {
				v := 0.0
				switch code {
				case "200":
					v = 900 + 300*math.Sin(float64(d*24+h)/20)
				case "304":
					v = 200 + 50*math.Cos(float64(d))
				case "404":
					v = 20 + float64((d*7+h)%15)
				case "500":
					if d%9 == 3 {
						v = 60
					}
				}
				s.Points = append(s.Points, Point{day(d).Add(time.Duration(h) * time.Hour), math.Round(v)})
			}
		}
		status = append(status, s)
	}
	var perEndpoint []TimeSeries
	for k, e := range []string{"GET /books/{id}", "POST /books", "GET /authors", "GET /search?q={query}"} {
		s := TimeSeries{Name: e}
		for d := 0; d < 30; d++ {
			v := float64(1000/(k+1)) + 100*math.Sin(float64(d+k))
			if k == 3 && d > 10 && d < 14 {
				v = nan
			}
			s.Points = append(s.Points, Point{day(d), math.Round(v)})
		}
		perEndpoint = append(perEndpoint, s)
	}
	flame := &Frame{Name: "root", Value: 1000, Children: []*Frame{
		{Name: "net/http.(*conn).serve", Value: 930, Children: []*Frame{
			{Name: "main.getBook", Value: 600, Children: []*Frame{
				{Name: "database/sql.(*DB).QueryContext", Value: 420, Children: []*Frame{
					{Name: "modernc.org/sqlite.(*conn).query", Value: 400},
				}},
				{Name: "encoding/json.Marshal", Value: 150, Children: []*Frame{{Name: "reflect.Value.Field", Value: 40}}},
			}},
			{Name: "main.search", Value: 300, Children: []*Frame{{Name: "strings.Contains", Value: 280}}},
		}},
		{Name: "runtime.gcBgMarkWorker", Value: 70},
	}}

	evil := "<script>alert('x')</script> & \"q\" \x00\x01\x1b\xff\ufffe"
	many := make([]string, 300)
	manyV := make([]float64, 300)
	for i := range many {
		many[i] = fmt.Sprintf("GET /api/v1/items/%d", i)
		manyV[i] = float64((i * 7919) % 1000)
	}
	loc := time.FixedZone("UTC+1", 3600) // fixed, so golden files do not depend on the system's zone data

	return []galleryCase{
		{"heatmap", func() template.HTML {
			return Heatmap{Title: "Requests per hour, last 30 days", Columns: days, Rows: hours, Values: traffic, Unit: "requests", ColumnName: "day", RowName: "hour"}.SVG()
		}},
		{"heatmap_empty", func() template.HTML { return Heatmap{Title: "No requests yet"}.SVG() }},
		{"heatmap_zeros", func() template.HTML {
			return Heatmap{Title: "All zero", Columns: []string{"a", "b"}, Rows: []string{"x", "y"}, Values: [][]float64{{0, 0}, {0, nan}}, Unit: "requests"}.SVG()
		}},
		{"bars_hourly", func() template.HTML {
			return Bars{Title: "Last 2 days per hour", Labels: bars48, Series: []Series{{Name: "requests", Color: "#cbd5e1", Values: reqs}},
				Lines: []Series{{Name: "min", Values: minD}, {Name: "average", Values: avgD}, {Name: "max", Values: maxD}}, Unit: "requests", LineUnit: "ms"}.SVG()
		}},
		{"bars_stacked", func() template.HTML {
			return Bars{Title: "Requests per day by status", Labels: days[:14], Stacked: true, Unit: "requests", Series: []Series{
				{Name: "2xx", Color: "#16a34a", Values: []float64{900, 950, 1000, 1020, 800, 300, 280, 990, 1010, 1100, 1050, 870, 320, 310}},
				{Name: "4xx", Color: "#f59e0b", Values: []float64{40, 35, 50, 60, 20, 10, 12, 45, 48, 52, 51, 39, 9, 8}},
				{Name: "5xx", Color: "#dc2626", Values: []float64{0, 0, 3, 90, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0}},
			}}.SVG()
		}},
		{"bars_grouped_negative", func() template.HTML {
			return Bars{Title: "Change against the previous version", Labels: []string{"GET /books/{id}", "POST /books", "GET /authors"}, Unit: "ms", Series: []Series{
				{Name: "median", Values: []float64{-3.2, 1.5, 0.4}}, {Name: "p95", Values: []float64{-12, 8, nan}},
			}}.SVG()
		}},
		{"bars_huge", func() template.HTML {
			return Bars{Title: "Huge values", Labels: []string{"a", "b", "c"}, Unit: "requests", Series: []Series{{Name: "n", Values: []float64{1e12, 3.5e11, 1}}}}.SVG()
		}},
		{"bars_many_categories", func() template.HTML {
			return Bars{Title: "300 endpoints", Labels: many, Unit: "requests", Series: []Series{{Name: "hits", Values: manyV}}}.SVG()
		}},
		{"bars_one", func() template.HTML {
			return Bars{Title: "One bar", Labels: []string{"only"}, Unit: "ms", Series: []Series{{Name: "d", Values: []float64{0.42}}}}.SVG()
		}},
		{"bars_empty", func() template.HTML {
			return Bars{Title: "Nothing", Labels: []string{"a"}, Series: []Series{{Name: "x", Values: []float64{nan}}}}.SVG()
		}},
		{"boxplot_versions", func() template.HTML { return BoxPlot{Title: "Duration per version", Boxes: versions, Unit: "ms"}.SVG() }},
		{"boxplot_log", func() template.HTML {
			return BoxPlot{Title: "Duration per user (log scale)", Unit: "ms", Log: true, Boxes: []Box{
				{Label: "alice", Min: 0.05, Q1: 0.2, Median: 0.4, Q3: 0.9, Max: 3, N: 12},
				{Label: "bob", Min: 1, Q1: 5, Median: 8, Q3: 20, Max: 4000, N: 3400},
				{Label: "carol", Min: 0, Q1: 0, Median: 0.01, Q3: 0.02, Max: 0.3, N: 1},
			}}.SVG()
		}},
		{"boxplot_one", func() template.HTML {
			return BoxPlot{Title: "One value", Unit: "ms", Boxes: []Box{{Label: "v1", Min: 5, Q1: 5, Median: 5, Q3: 5, Max: 5, N: 1}}}.SVG()
		}},
		{"bubble_users", func() template.HTML {
			return BubblePlot{Title: "Average duration per user and version", XLabels: vs, YLabels: users, Bubbles: bubbles, SizeUnit: "ms", SizeLabel: "average duration"}.SVG()
		}},
		{"bubble_hundreds", func() template.HTML {
			var bs []Bubble
			for u := 0; u < 300; u++ {
				for v := 0; v < 8; v++ {
					if (u+v)%3 != 0 {
						bs = append(bs, Bubble{X: fmt.Sprintf("v2.%d", v), Y: fmt.Sprintf("10.0.%d.%d", u/256, u%256), Size: float64((u*v*7)%97 + 1), Count: int64(u)})
					}
				}
			}
			return BubblePlot{Title: "300 addresses × 8 versions", Bubbles: bs, SizeUnit: "ms"}.SVG()
		}},
		{"lines_many_series", func() template.HTML {
			var ss []TimeSeries
			for k := 0; k < 14; k++ {
				s := TimeSeries{Name: fmt.Sprintf("GET /api/resource-%d/{id}", k)}
				for d := 0; d < 30; d++ {
					s.Points = append(s.Points, Point{day(d), float64(100*k) + 50*math.Sin(float64(d+k))})
				}
				ss = append(ss, s)
			}
			return Lines{Title: "Requests per day, 14 endpoints", Series: ss, Unit: "requests"}.SVG()
		}},
		{"lines_status", func() template.HTML {
			return Lines{Title: "Status codes over time", Series: status, Unit: "requests", Loc: loc}.SVG()
		}},
		{"lines_stacked", func() template.HTML {
			return Lines{Title: "Requests per day per endpoint", Series: perEndpoint, Unit: "requests", Stacked: true}.SVG()
		}},
		{"lines_gaps", func() template.HTML {
			return Lines{Title: "With a gap", Series: perEndpoint[3:], Unit: "requests"}.SVG()
		}},
		{"lines_one_point", func() template.HTML {
			return Lines{Title: "One point", Series: []TimeSeries{{Name: "x", Points: []Point{{day(3).Add(90 * time.Minute), 7}}}}, Unit: "ms"}.SVG()
		}},
		{"lines_hours", func() template.HTML {
			s := TimeSeries{Name: "p95"}
			for m := 0; m < 6*60; m += 5 {
				s.Points = append(s.Points, Point{day(0).Add(22*time.Hour + time.Duration(m)*time.Minute), 100 + 50*math.Sin(float64(m)/30)})
			}
			return Lines{Title: "Across midnight, 5-minute steps", Series: []TimeSeries{s}, Unit: "ms"}.SVG()
		}},
		{"flame", func() template.HTML {
			return FlameGraph{Title: "CPU profile of GET /books/{id}", Root: flame, Unit: "samples"}.SVG()
		}},
		{"flame_empty", func() template.HTML { return FlameGraph{Title: "No samples"}.SVG() }},
		{"escaping", func() template.HTML {
			return Bars{Title: evil, Labels: []string{evil, "ok"}, Unit: evil, Series: []Series{{Name: evil, Color: `red" onload="x`, Values: []float64{1, 2}}, {Name: "b", Values: []float64{2, 1}}}}.SVG()
		}},
		{"long_names", func() template.HTML {
			long := "GET /api/v2/organisations/{organisation}/projects/{project}/environments/{environment}/deployments"
			return BoxPlot{Title: long + " " + long, Unit: "ms", Boxes: []Box{{Label: long, Note: long, Min: 1, Q1: 2, Median: 3, Q3: 4, Max: 5, N: 1234567}}}.SVG()
		}},
	}
}
