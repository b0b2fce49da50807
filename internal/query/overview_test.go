package query

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func TestOverviewEmpty(t *testing.T) {
	s := newStore(t)
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	o, err := Overview(context.Background(), Scope{Store: s, Service: svc, Now: now}, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Endpoints) != 0 || len(o.Daily.Series) != 0 || o.Heatmap.Total != 0 {
		t.Errorf("empty store: %+v", o)
	}
	if len(o.Heatmap.Rows) != 24 || len(o.Heatmap.Columns) != HeatmapDays || len(o.Heatmap.Values) != 24 || len(o.Heatmap.Values[0]) != HeatmapDays {
		t.Errorf("heatmap shape %d×%d, want 24×%d", len(o.Heatmap.Values), len(o.Heatmap.Values[0]), HeatmapDays)
	}
	if o.Heatmap.Columns[HeatmapDays-1] != "Mar 4" || o.Heatmap.Columns[0] != "Feb 3" || o.Heatmap.Rows[0] != "00:00" || o.Heatmap.Rows[23] != "23:00" {
		t.Errorf("labels %v … %v, rows %v", o.Heatmap.Columns[0], o.Heatmap.Columns[HeatmapDays-1], o.Heatmap.Rows)
	}
}

func TestOverviewOneRequest(t *testing.T) {
	s := newStore(t)
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	mustWrite(t, s, []store.Request{rq("GET /a", "v1", now.Add(-time.Hour), 12.3, 200, "u", "ip")})
	o, err := Overview(context.Background(), Scope{Store: s, Service: svc, Now: now}, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Endpoints) != 1 {
		t.Fatalf("endpoints %+v", o.Endpoints)
	}
	e := o.Endpoints[0]
	if e.Name != "GET /a" || e.HitsToday != 1 || e.HitsWeek != 1 || e.HitsTotal != 1 || e.Hits != 1 || e.ErrorRate != 0 {
		t.Errorf("summary %+v", e)
	}
	// One duration: every percentile is it, exactly (clamped to min and max).
	if e.MedianMs != 12.3 || e.P95Ms != 12.3 || e.AvgMs != 12.3 {
		t.Errorf("median %v p95 %v avg %v, want 12.3", e.MedianMs, e.P95Ms, e.AvgMs)
	}
	if !e.LastRequested.Equal(now.Add(-time.Hour)) || len(e.Methods) != 1 || e.Level != store.LevelTiming {
		t.Errorf("endpoint details %+v", e)
	}
	want := map[[2]string]float64{{"Mar 4", "14:00"}: 1}
	if got := cells(&o.Heatmap); !maps.Equal(got, want) {
		t.Errorf("heatmap cells %v, want %v", got, want)
	}
	if len(o.Daily.Series) != 1 || o.Daily.Series[0].Values[HeatmapDays-1] != 1 {
		t.Errorf("daily %+v", o.Daily.Series)
	}
}

func TestOverviewCountsAndPercentiles(t *testing.T) {
	s := newStore(t)
	loc := mustLoad(t, "Europe/Amsterdam") // UTC+1 in March
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, loc)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	var reqs []store.Request
	// A: 1..100 ms yesterday; B: requests at the edges of today and of the week.
	reqs = append(reqs, series1to100("GET /a", "v1", at(2026, 3, 9, 8, 0), "u")...)
	reqs = append(reqs,
		rq("GET /b", "v1", at(2026, 3, 10, 0, 5), 10, 200, "u", "ip"),  // today, first hour
		rq("GET /b", "v1", at(2026, 3, 9, 23, 55), 10, 500, "u", "ip"), // yesterday, last hour
		rq("GET /b", "v1", at(2026, 3, 4, 0, 10), 10, 503, "u", "ip"),  // first day of the week
		rq("GET /b", "v1", at(2026, 3, 3, 23, 50), 10, 404, "u", "ip"), // the day before the week
		rq("GET /b", "v1", at(2026, 1, 20, 12, 0), 10, 200, "u", "ip"), // before the heatmap
		rq("GET /b", "v1", at(2026, 2, 9, 0, 30), 10, 200, "u", "ip"),  // first heatmap day
		rq("GET /b", "v1", at(2026, 2, 8, 23, 30), 10, 200, "u", "ip"), // the day before it
	)
	mustWrite(t, s, reqs)
	// A declared endpoint without requests is listed with zeros.
	if err := s.Write(context.Background(), &store.Batch{Endpoints: []store.Endpoint{{Service: svc, Name: "GET /idle", Level: 2}}}); err != nil {
		t.Fatal(err)
	}
	o, err := Overview(context.Background(), Scope{Store: s, Service: svc, Loc: loc, Now: now}, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Endpoints) != 3 {
		t.Fatalf("endpoints %+v", o.Endpoints)
	}
	a, b, idle := o.Endpoints[0], o.Endpoints[1], o.Endpoints[2]
	cases := []struct {
		name      string
		got, want int64
	}{
		{"a today", a.HitsToday, 0}, {"a week", a.HitsWeek, 100}, {"a total", a.HitsTotal, 100},
		{"b today", b.HitsToday, 1}, {"b week", b.HitsWeek, 3}, {"b total", b.HitsTotal, 7},
		{"b errors", b.Errors, 2}, {"idle total", idle.HitsTotal, 0},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if !near(a.MedianMs, 50) || !near(a.P95Ms, 95) || a.AvgMs != 50.5 {
		t.Errorf("a: median %v p95 %v avg %v, want 50, 95, 50.5", a.MedianMs, a.P95Ms, a.AvgMs)
	}
	if b.ErrorRate != 2.0/7 {
		t.Errorf("b error rate %v, want 2/7", b.ErrorRate)
	}
	if idle.Name != "GET /idle" || idle.Level != 2 || idle.Hits != 0 || idle.MedianMs != 0 || !idle.LastRequested.IsZero() {
		t.Errorf("idle %+v", idle)
	}
	// The heatmap holds everything from Feb 9 (30 days to Mar 10), in local hours.
	if o.Heatmap.Total != 105 || o.Heatmap.Columns[0] != "Feb 9" {
		t.Errorf("heatmap total %d from %s, want 105 from Feb 9", o.Heatmap.Total, o.Heatmap.Columns[0])
	}
	c := cells(&o.Heatmap)
	for k, want := range map[[2]string]float64{{"Mar 10", "00:00"}: 1, {"Mar 9", "23:00"}: 1, {"Feb 9", "00:00"}: 1, {"Mar 9", "08:00"}: 59} {
		if c[k] != want {
			t.Errorf("heatmap %v = %v, want %v", k, c[k], want)
		}
	}
	if len(o.Daily.Series) != 2 || o.Daily.Series[1].Name != "GET /b" {
		t.Fatalf("daily series %+v", o.Daily.Series)
	}
	var sum float64
	for _, v := range o.Daily.Series[1].Values {
		sum += v
	}
	if sum != 5 || o.Daily.Series[1].Values[0] != 1 || o.Daily.Series[0].Values[28] != 100 {
		t.Errorf("daily b %v (sum %v), a %v", o.Daily.Series[1].Values, sum, o.Daily.Series[0].Values)
	}

	// A window narrows hits, errors and percentiles, not the day counts.
	w := Window{Since: at(2026, 3, 9, 8, 0), Until: at(2026, 3, 9, 9, 0)}
	o, err = Overview(context.Background(), Scope{Store: s, Service: svc, Loc: loc, Now: now}, w)
	if err != nil {
		t.Fatal(err)
	}
	a = o.Endpoints[0]
	if a.Hits != 59 || a.HitsTotal != 100 || !near(a.MedianMs, 30) {
		t.Errorf("windowed a: hits %d total %d median %v", a.Hits, a.HitsTotal, a.MedianMs)
	}
}

func TestEndpointsList(t *testing.T) {
	s := newStore(t)
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	reqs := series1to100("GET /a", "v1", now.Add(-48*time.Hour), "u")
	reqs = append(reqs, rq("GET /b", "v1", now.Add(-time.Hour), 10, 500, "u", "ip"), rq("GET /b", "v1", now.Add(-30*time.Minute), 30, 200, "u", "ip"))
	mustWrite(t, s, reqs)
	sc := Scope{Store: s, Service: svc, Now: now}
	cases := []struct {
		name      string
		w         Window
		durations bool
		aHits     int64
		aTotal    int64
		aMedian   float64 // 0: none read
		bAvg      float64
	}{
		{"all time with durations", Window{}, true, 100, 100, 50, 20},
		{"all time, counts only", Window{}, false, 100, 100, 0, 20},
		{"last two hours", Window{Since: now.Add(-2 * time.Hour)}, true, 0, 0, 0, 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eps, err := Endpoints(context.Background(), sc, c.w, c.durations)
			if err != nil {
				t.Fatal(err)
			}
			if len(eps) != 2 || eps[0].Name != "GET /a" || eps[1].Name != "GET /b" {
				t.Fatalf("endpoints %+v", eps)
			}
			a, b := eps[0], eps[1]
			if a.Hits != c.aHits || a.HitsTotal != c.aTotal || !near(a.MedianMs, c.aMedian) || a.HitsToday != 0 {
				t.Errorf("a %+v", a)
			}
			if b.Hits != 2 || b.Errors != 1 || b.ErrorRate != 0.5 || b.AvgMs != c.bAvg || (b.P95Ms != 0) != c.durations {
				t.Errorf("b %+v", b)
			}
			// The same figures as the overview's, for the all-time list.
			if c.w.IsZero() && c.durations {
				o, err := Overview(context.Background(), sc, c.w)
				if err != nil {
					t.Fatal(err)
				}
				for i, e := range o.Endpoints {
					if e.Hits != eps[i].Hits || e.MedianMs != eps[i].MedianMs || e.P95Ms != eps[i].P95Ms || e.Errors != eps[i].Errors {
						t.Errorf("overview %+v, list %+v", e, eps[i])
					}
				}
			}
		})
	}
}
