package query

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func TestEndpointHourly(t *testing.T) {
	s := newStore(t)
	kol := mustLoad(t, "Asia/Kolkata")
	now := time.Date(2026, 3, 4, 15, 20, 0, 0, time.UTC)
	mustWrite(t, s, []store.Request{
		rq("GET /a", "v1", time.Date(2026, 3, 4, 15, 1, 0, 0, time.UTC), 10, 200, "", ""), // current hour
		rq("GET /a", "v1", time.Date(2026, 3, 4, 15, 2, 0, 0, time.UTC), 30, 200, "", ""),
		rq("GET /a", "v1", time.Date(2026, 3, 4, 15, 3, 0, 0, time.UTC), 2, 200, "", ""),
		rq("GET /a", "v2", time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC), 7, 200, "", ""),   // first of the 48 hours
		rq("GET /a", "v2", time.Date(2026, 3, 2, 15, 59, 0, 0, time.UTC), 99, 200, "", ""), // one hour too old
		rq("GET /b", "v1", time.Date(2026, 3, 4, 15, 4, 0, 0, time.UTC), 500, 200, "", ""), // other endpoint
	})
	h, err := EndpointHourly(context.Background(), Scope{Store: s, Service: svc, Loc: kol, Now: now}, "GET /a")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Hours) != HourlyHours || len(h.Count) != HourlyHours || len(h.Labels) != HourlyHours {
		t.Fatalf("%d hours", len(h.Hours))
	}
	last := HourlyHours - 1
	if h.Count[last] != 3 || h.MinMs[last] != 2 || h.MaxMs[last] != 30 || h.AvgMs[last] != 14 {
		t.Errorf("current hour: count %v min %v avg %v max %v, want 3, 2, 14, 30", h.Count[last], h.MinMs[last], h.AvgMs[last], h.MaxMs[last])
	}
	if h.Count[0] != 1 || h.AvgMs[0] != 7 {
		t.Errorf("first hour: count %v avg %v, want 1, 7", h.Count[0], h.AvgMs[0])
	}
	var total float64
	for i, c := range h.Count {
		total += c
		if c == 0 && (h.MinMs[i] != 0 || h.AvgMs[i] != 0 || h.MaxMs[i] != 0) {
			t.Errorf("empty hour %d has durations", i)
		}
	}
	if total != 4 {
		t.Errorf("%v requests in 48 hours, want 4", total)
	}
	// Labels in the zone: 15:00 UTC is 20:30 in India.
	if h.Labels[last] != "Wed 20:30" || h.Hours[last].Location() != kol {
		t.Errorf("last label %q (%v)", h.Labels[last], h.Hours[last])
	}
}

func TestVersionBoxes(t *testing.T) {
	s := newStore(t)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	v1seen, v2seen, v3seen := start.Add(-48*time.Hour), start.Add(5*time.Hour), start.Add(6*time.Hour)
	reqs := series1to100("GET /a", "v1", start, "u")
	reqs = append(reqs, rq("GET /a", "v3", start.Add(7*time.Hour), 7, 200, "", ""))
	reqs = append(reqs, rq("GET /b", "v2", start.Add(7*time.Hour), 1000, 200, "", ""))
	// Declared out of order: boxes follow first-seen times.
	mustWrite(t, s, reqs, store.Version{Name: "v3", FirstSeen: v3seen}, store.Version{Name: "v2", FirstSeen: v2seen},
		store.Version{Name: "v1", FirstSeen: v1seen})
	ams := mustLoad(t, "Europe/Amsterdam")
	sc := Scope{Store: s, Service: svc, Loc: ams}
	boxes, err := VersionBoxes(context.Background(), sc, "GET /a", Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 2 || boxes[0].Label != "v1" || boxes[1].Label != "v3" {
		t.Fatalf("boxes %+v, want v1 and v3 (v2 has no requests to GET /a)", boxes)
	}
	b := boxes[0]
	if b.N != 100 || b.MinMs != 1 || b.MaxMs != 100 || b.AvgMs != 50.5 {
		t.Errorf("v1 exact figures: %+v", b.Box)
	}
	for _, q := range []struct {
		name      string
		got, want float64
	}{{"q1", b.Q1Ms, 25}, {"median", b.MedianMs, 50}, {"q3", b.Q3Ms, 75}, {"p95", b.P95Ms, 95}} {
		if !near(q.got, q.want) {
			t.Errorf("v1 %s = %v, want %v within 2%%", q.name, q.got, q.want)
		}
	}
	if !b.FirstSeen.Equal(v1seen) || b.FirstSeen.Location() != ams {
		t.Errorf("v1 first seen %v, want %v in Amsterdam", b.FirstSeen, v1seen)
	}
	one := boxes[1]
	if one.N != 1 || one.MinMs != 7 || one.Q1Ms != 7 || one.MedianMs != 7 || one.Q3Ms != 7 || one.MaxMs != 7 {
		t.Errorf("one request: %+v", one.Box)
	}
	// A window keeps the versions with requests in it.
	boxes, err = VersionBoxes(context.Background(), sc, "", Window{Since: start.Add(7 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 2 || boxes[0].Label != "v2" || boxes[1].Label != "v3" || boxes[0].N != 1 {
		t.Errorf("windowed boxes over every endpoint: %+v", boxes)
	}
	boxes, err = VersionBoxes(context.Background(), sc, "GET /missing", Window{})
	if err != nil || len(boxes) != 0 {
		t.Errorf("missing endpoint: %+v, %v", boxes, err)
	}
}

func TestEndpointStatus(t *testing.T) {
	s := newStore(t)
	ams := mustLoad(t, "Europe/Amsterdam")
	now := time.Date(2026, 3, 4, 15, 30, 0, 0, time.UTC)
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, time.UTC) }
	mustWrite(t, s, []store.Request{
		rq("GET /a", "v1", at(4, 14, 0), 1, 200, "", ""),
		rq("GET /a", "v1", at(4, 14, 5), 1, 201, "", ""),
		rq("GET /a", "v1", at(4, 14, 10), 1, 503, "", ""),
		rq("GET /a", "v1", at(4, 12, 0), 1, 404, "", ""),
		rq("GET /a", "v1", at(3, 23, 30), 1, 302, "", ""), // Mar 4 00:30 in Amsterdam
		rq("GET /a", "v1", at(1, 8, 0), 1, 200, "", ""),
		rq("GET /a", "v1", at(1, 9, 0), 1, 99, "", ""),
	})
	sc := Scope{Store: s, Service: svc, Loc: ams, Now: now}
	get := func(w Window) *StatusCodes {
		t.Helper()
		st, err := EndpointStatus(context.Background(), sc, "GET /a", w)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	classes := func(st *StatusCodes) map[string]int64 {
		m := map[string]int64{}
		for _, s := range st.Series {
			m[s.Class] = s.Total
		}
		return m
	}

	// Hourly over the last six hours.
	st := get(Window{Since: now.Add(-6 * time.Hour), Until: now})
	if st.Step != time.Hour {
		t.Fatalf("step %v, want an hour", st.Step)
	}
	if got, want := classes(st), map[string]int64{"2xx": 2, "4xx": 1, "5xx": 1}; !mapsEqual(got, want) {
		t.Errorf("hourly classes %v, want %v", got, want)
	}
	if got := seriesNames(st); !slices.Equal(got, []string{"2xx", "4xx", "5xx"}) {
		t.Errorf("order %v", got)
	}
	two := st.Series[0].Points
	if len(two) != 7 || !two[0].T.Equal(at(4, 9, 0)) || two[5].V != 2 || two[5].T.Location() != ams {
		t.Errorf("2xx points %+v", two)
	}

	// An open end is the end of the current hour: no hours to come.
	st = get(Window{Since: now.Add(-6 * time.Hour)})
	if two := st.Series[0].Points; len(two) != 7 || !two[6].T.Equal(at(4, 15, 0)) {
		t.Errorf("open end: 2xx points %+v, want 09:00 to 15:00 UTC", two)
	}

	// Daily by default: the last 30 days in Amsterdam.
	st = get(Window{})
	if st.Step != 24*time.Hour || len(st.Series[0].Points) != HeatmapDays {
		t.Fatalf("default: step %v, %d points", st.Step, len(st.Series[0].Points))
	}
	if got, want := classes(st), map[string]int64{"2xx": 3, "3xx": 1, "4xx": 1, "5xx": 1, "other": 1}; !mapsEqual(got, want) {
		t.Errorf("daily classes %v, want %v", got, want)
	}
	if got := seriesNames(st); !slices.Equal(got, []string{"2xx", "3xx", "4xx", "5xx", "other"}) {
		t.Errorf("order %v", got)
	}
	pts := st.Series[1].Points // 3xx, at 00:30 Mar 4 local
	if p := pts[len(pts)-1]; p.V != 1 || p.T.Day() != 4 || p.T.Hour() != 0 {
		t.Errorf("3xx on the last day: %+v", p)
	}
	if st.UTCDays {
		t.Error("30 days: counted in UTC days, want Amsterdam's")
	}
	// Longer windows count UTC days, from the daily rollups once folded:
	// the 3xx of 23:30 UTC on Mar 3 is on Mar 3.
	for _, fold := range []bool{false, true} {
		if fold {
			for {
				ok, err := s.DeriveDay(context.Background(), now)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					break
				}
			}
		}
		st = get(Window{Since: now.Add(-60 * 24 * time.Hour), Until: now})
		if !st.UTCDays || st.Step != 24*time.Hour {
			t.Fatalf("60 days (folded %v): UTC days %v, step %v; want UTC days", fold, st.UTCDays, st.Step)
		}
		if got, want := classes(st), map[string]int64{"2xx": 3, "3xx": 1, "4xx": 1, "5xx": 1, "other": 1}; !mapsEqual(got, want) {
			t.Errorf("60 days (folded %v): classes %v, want %v", fold, got, want)
		}
		pts := st.Series[1].Points
		if p := pts[len(pts)-2]; p.V != 1 || p.T.Day() != 3 {
			t.Errorf("60 days (folded %v): 3xx on the day before last: %+v, want 1 on Mar 3", fold, p)
		}
		if p := st.Series[0].Points[len(pts)-4]; p.V != 1 || p.T.Day() != 1 {
			t.Errorf("60 days (folded %v): 2xx on Mar 1: %+v, want 1", fold, p)
		}
		if p := st.Series[0].Points[len(pts)-1]; p.V != 2 || p.T.Day() != 4 {
			t.Errorf("60 days (folded %v): 2xx on Mar 4: %+v, want 2", fold, p)
		}
	}
	// Empty and inverted windows.
	if st := get(Window{Since: now.Add(time.Hour), Until: now.Add(2 * time.Hour)}); len(st.Series) != 0 {
		t.Errorf("empty window: %+v", st.Series)
	}
	if st := get(Window{Since: now, Until: now.Add(-time.Hour)}); len(st.Series) != 0 {
		t.Errorf("inverted window: %+v", st.Series)
	}
}

func seriesNames(st *StatusCodes) []string {
	var out []string
	for _, s := range st.Series {
		out = append(out, s.Class)
	}
	return out
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestEndpointPage(t *testing.T) {
	s := newStore(t)
	now := time.Date(2026, 3, 4, 15, 30, 0, 0, time.UTC)
	reqs := series1to100("GET /a", "v1", now.Add(-3*time.Hour), "alice")
	reqs = append(reqs, rq("GET /b", "v1", now.Add(-time.Hour), 5, 500, "bob", "10.0.0.2"))
	mustWrite(t, s, reqs)
	sc := Scope{Store: s, Service: svc, Now: now}
	p, err := Endpoint(context.Background(), sc, "GET /a", Window{}, CallerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Endpoint.Name != "GET /a" || p.Heatmap.Total != 100 || len(p.Versions) != 1 || p.Versions[0].N != 100 ||
		len(p.Callers.Users.Boxes) != 1 || p.Callers.Users.Boxes[0].N != 100 || p.Callers.Users.Boxes[0].Label != "alice" ||
		len(p.Status.Series) != 1 || p.Status.Series[0].Total != 100 {
		t.Errorf("page %+v", p)
	}
	// Totals over the window, from the same rollups as the version boxes.
	if tt := p.Totals; tt.N != 100 || tt.Errors != 0 || tt.Status[2] != 100 || tt.MinMs != 1 || tt.MaxMs != 100 ||
		tt.AvgMs != 50.5 || !near(tt.MedianMs, 50) || !near(tt.P95Ms, 95) {
		t.Errorf("totals %+v", tt)
	}
	// The zero window's status codes start with the endpoint's first
	// request (hourly: it was 3 hours ago, from 12:31), not 30 days before,
	// and end with the current hour (15:00).
	if p.Status.Step != time.Hour || len(p.Status.Series[0].Points) != 4 {
		t.Errorf("status over all time: step %v, %d points", p.Status.Step, len(p.Status.Series[0].Points))
	}
	pb, err := Endpoint(context.Background(), sc, "GET /b", Window{}, CallerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tt := pb.Totals; tt.N != 1 || tt.Errors != 1 || tt.ErrorRate != 1 || tt.Status[5] != 1 || pb.Versions[0].Errors != 1 || pb.Versions[0].ErrorRate != 1 {
		t.Errorf("GET /b totals %+v, versions %+v", tt, pb.Versions)
	}
	var hourly float64
	for _, c := range p.Hourly.Count {
		hourly += c
	}
	if hourly != 100 {
		t.Errorf("hourly counts %v", p.Hourly.Count)
	}
	_, err = Endpoint(context.Background(), sc, "GET /nope", Window{}, CallerOptions{})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown endpoint: %v, want ErrNotFound", err)
	}
}
