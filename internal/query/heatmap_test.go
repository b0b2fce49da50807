package query

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// TestHeatmapTimeZones puts requests given in UTC into a heatmap shown in
// another zone, around daylight saving changes and in zones whose offset is
// not a whole number of hours.
func TestHeatmapTimeZones(t *testing.T) {
	utc := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, time.UTC) }
	cases := []struct {
		name  string
		zone  string
		now   time.Time
		reqs  []time.Time
		cells map[[2]string]float64
		first string // label of the first column
	}{
		{
			name: "UTC", zone: "UTC", now: utc(3, 4, 15, 0),
			reqs:  []time.Time{utc(3, 4, 13, 20), utc(3, 4, 13, 59), utc(3, 4, 0, 0), utc(2, 3, 0, 0), utc(2, 2, 23, 59)},
			cells: map[[2]string]float64{{"Mar 4", "13:00"}: 2, {"Mar 4", "00:00"}: 1, {"Feb 3", "00:00"}: 1},
			first: "Feb 3",
		},
		{
			// 2026-03-29: 02:00 CET becomes 03:00 CEST; the day has 23 hours.
			name: "spring forward", zone: "Europe/Amsterdam", now: utc(3, 30, 12, 0),
			reqs: []time.Time{utc(3, 29, 0, 30), utc(3, 29, 1, 30), utc(3, 28, 23, 10), utc(3, 29, 22, 10)},
			cells: map[[2]string]float64{
				{"Mar 29", "01:00"}: 1, {"Mar 29", "03:00"}: 1, // no 02:00 that day
				{"Mar 29", "00:00"}: 1, {"Mar 30", "00:00"}: 1,
			},
			first: "Mar 1",
		},
		{
			// 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00 happens twice.
			name: "fall back", zone: "Europe/Amsterdam", now: utc(10, 26, 12, 0),
			reqs:  []time.Time{utc(10, 25, 0, 30), utc(10, 25, 1, 30), utc(10, 25, 2, 30), utc(10, 24, 22, 0), utc(10, 25, 23, 0)},
			cells: map[[2]string]float64{{"Oct 25", "02:00"}: 2, {"Oct 25", "03:00"}: 1, {"Oct 25", "00:00"}: 1, {"Oct 26", "00:00"}: 1},
			first: "Sep 27",
		},
		{
			// UTC+5:30: the UTC hour 18:00 starts at 23:30, so a request
			// at 00:10 local (18:40 UTC) counts in 23:00 of the day before.
			name: "half-hour offset", zone: "Asia/Kolkata", now: utc(3, 5, 12, 0),
			reqs:  []time.Time{utc(3, 4, 18, 40), utc(3, 4, 19, 5), utc(3, 5, 6, 29)},
			cells: map[[2]string]float64{{"Mar 4", "23:00"}: 1, {"Mar 5", "00:00"}: 1, {"Mar 5", "11:00"}: 1},
			first: "Feb 4",
		},
		{
			// UTC+5:45: hours start at :45 local.
			name: "quarter-hour offset", zone: "Asia/Kathmandu", now: utc(3, 5, 12, 0),
			reqs:  []time.Time{utc(3, 4, 18, 5), utc(3, 4, 18, 59)},
			cells: map[[2]string]float64{{"Mar 4", "23:00"}: 2},
			first: "Feb 4",
		},
		{
			// UTC-3:30 in winter, and a day before the first column
			// (Feb 3 in St. John's ends at 03:30 UTC Feb 4).
			name: "negative half-hour offset", zone: "America/St_Johns", now: utc(3, 5, 12, 0),
			reqs:  []time.Time{utc(3, 5, 3, 10), utc(3, 5, 4, 0), utc(2, 4, 3, 0), utc(2, 4, 4, 0)},
			cells: map[[2]string]float64{{"Mar 4", "23:00"}: 1, {"Mar 5", "00:00"}: 1, {"Feb 4", "00:00"}: 1},
			first: "Feb 4",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			var reqs []store.Request
			for _, at := range c.reqs {
				reqs = append(reqs, rq("GET /a", "v1", at, 1, 200, "", ""))
			}
			mustWrite(t, s, reqs)
			h, err := EndpointHeatmap(context.Background(), Scope{Store: s, Service: svc, Loc: mustLoad(t, c.zone), Now: c.now}, "GET /a")
			if err != nil {
				t.Fatal(err)
			}
			if got := cells(h); !maps.Equal(got, c.cells) {
				t.Errorf("cells %v, want %v", got, c.cells)
			}
			if h.Columns[0] != c.first || len(h.Columns) != HeatmapDays {
				t.Errorf("columns from %s (%d), want from %s (%d)", h.Columns[0], len(h.Columns), c.first, HeatmapDays)
			}
			var total float64
			for _, v := range c.cells {
				total += v
			}
			if float64(h.Total) != total {
				t.Errorf("total %d, want %v", h.Total, total)
			}
			for i, d := range h.Days {
				if d.Hour() != 0 || d.Minute() != 0 || d.Location().String() != c.zone {
					t.Errorf("day %d starts at %v", i, d)
				}
			}
		})
	}
}

func TestHeatmapOtherEndpointsAndServices(t *testing.T) {
	s := newStore(t)
	now := time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC)
	a := rq("GET /a", "v1", now.Add(-time.Hour), 1, 200, "", "")
	b := rq("GET /b", "v1", now.Add(-time.Hour), 1, 200, "", "")
	other := a
	other.Service = "else"
	mustWrite(t, s, []store.Request{a, b, b, other})
	sc := Scope{Store: s, Service: svc, Now: now}
	for ep, want := range map[string]int64{"GET /a": 1, "GET /b": 2, "": 3, "GET /none": 0} {
		h, err := EndpointHeatmap(context.Background(), sc, ep)
		if err != nil {
			t.Fatal(err)
		}
		if h.Total != want {
			t.Errorf("%q: total %d, want %d", ep, h.Total, want)
		}
	}
}

func TestLastDays(t *testing.T) {
	ams := mustLoad(t, "Europe/Amsterdam")
	cases := []struct {
		name         string
		now          time.Time
		loc          *time.Location
		n            int
		since, until time.Time
	}{
		{"utc one day", time.Date(2026, 3, 4, 15, 0, 0, 0, time.UTC), nil, 1,
			time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)},
		{"across spring forward", time.Date(2026, 3, 30, 1, 0, 0, 0, ams), ams, 2,
			time.Date(2026, 3, 29, 0, 0, 0, 0, ams), time.Date(2026, 3, 31, 0, 0, 0, 0, ams)},
		{"now in utc, days in zone", time.Date(2026, 3, 4, 23, 30, 0, 0, time.UTC), ams, 1,
			time.Date(2026, 3, 5, 0, 0, 0, 0, ams), time.Date(2026, 3, 6, 0, 0, 0, 0, ams)},
	}
	for _, c := range cases {
		w := LastDays(c.now, c.loc, c.n)
		if !w.Since.Equal(c.since) || !w.Until.Equal(c.until) {
			t.Errorf("%s: %v – %v, want %v – %v", c.name, w.Since, w.Until, c.since, c.until)
		}
	}
	if d := LastDays(time.Date(2026, 3, 30, 1, 0, 0, 0, ams), ams, 2); d.Until.Sub(d.Since) != 47*time.Hour {
		t.Errorf("two days over the spring change last %v, want 47h", d.Until.Sub(d.Since))
	}
}
