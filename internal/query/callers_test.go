package query

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func callers(t *testing.T, s store.Store, w Window, o CallerOptions) *Callers {
	t.Helper()
	c, err := EndpointCallers(context.Background(), Scope{Store: s, Service: svc}, "GET /a", w, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCallersExactBoxesAndBubbles(t *testing.T) {
	s := newStore(t)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	reqs := series1to100("GET /a", "v1", start, "alice") // 1..100 ms
	reqs = append(reqs,
		rq("GET /a", "v1", start.Add(3*time.Hour), 10, 200, "bob", "10.0.0.2"),
		rq("GET /a", "v2", start.Add(4*time.Hour), 30, 200, "bob", "10.0.0.2"),
		rq("GET /a", "v2", start.Add(5*time.Hour), 50, 200, "bob", "10.0.0.3"),
		rq("GET /a", "v2", start.Add(6*time.Hour), 4, 200, "", "10.0.0.3"),
		rq("GET /b", "v1", start, 9999, 200, "carol", "10.9.9.9"), // another endpoint
	)
	mustWrite(t, s, reqs, store.Version{Name: "v1", FirstSeen: start.Add(-time.Hour)}, store.Version{Name: "v2", FirstSeen: start})
	c := callers(t, s, Window{}, CallerOptions{})

	if !c.From.IsZero() || !c.To.IsZero() || !c.Users.Exact() || !c.IPs.Exact() {
		t.Errorf("all time: days %v to %v, exact %v %v", c.From, c.To, c.Users.Exact(), c.IPs.Exact())
	}
	u := c.Users
	if u.Total != 3 || u.Omitted != 0 || len(u.Boxes) != 3 {
		t.Fatalf("users %+v", u)
	}
	names := []string{u.Boxes[0].Label, u.Boxes[1].Label, u.Boxes[2].Label}
	if !slices.Equal(names, []string{"alice", "bob", NoName}) {
		t.Errorf("order %v, want by requests", names)
	}
	// Counts, extremes and averages exact; percentiles from the daily
	// histograms, within 2% of the raw rows' nearest-rank ones.
	a := u.Boxes[0]
	if a.N != 100 || a.MinMs != 1 || !near(a.Q1Ms, 25) || !near(a.MedianMs, 50) || !near(a.Q3Ms, 75) || !near(a.P95Ms, 95) || a.MaxMs != 100 || a.AvgMs != 50.5 {
		t.Errorf("alice %+v", a.Box)
	}
	b := u.Boxes[1]
	if b.N != 3 || b.MinMs != 10 || !near(b.Q1Ms, 10) || !near(b.MedianMs, 30) || !near(b.Q3Ms, 50) || b.MaxMs != 50 || b.AvgMs != 30 {
		t.Errorf("bob %+v", b.Box)
	}
	// Only names with SlowMinRequests requests are ranked by p95.
	if a.BusyRank != 1 || a.SlowRank != 1 || b.BusyRank != 2 || b.SlowRank != 0 || u.Boxes[2].SlowRank != 0 {
		t.Errorf("ranks alice %d/%d bob %d/%d", a.BusyRank, a.SlowRank, b.BusyRank, b.SlowRank)
	}
	if !slices.Equal(u.Versions, []string{"v1", "v2"}) {
		t.Errorf("versions %v", u.Versions)
	}
	wantBubbles := []Bubble{
		{X: "v1", Y: "alice", AvgMs: 50.5, Count: 100},
		{X: "v1", Y: "bob", AvgMs: 10, Count: 1},
		{X: "v2", Y: "bob", AvgMs: 40, Count: 2},
		{X: "v2", Y: NoName, AvgMs: 4, Count: 1},
	}
	if !slices.Equal(u.Bubbles, wantBubbles) {
		t.Errorf("bubbles\n got %+v\nwant %+v", u.Bubbles, wantBubbles)
	}
	ips := c.IPs
	if ips.Total != 3 || ips.Boxes[0].Label != "10.0.0.1" || ips.Boxes[1].N != 2 || ips.Boxes[2].N != 2 {
		t.Errorf("ips %+v", ips.Boxes)
	}
	if u.Note("users") != "Showing all 3 users." {
		t.Errorf("note %q", u.Note("users"))
	}
}

func TestCallersEmpty(t *testing.T) {
	c := callers(t, newStore(t), Window{}, CallerOptions{})
	if c.Users.Total != 0 || len(c.Users.Estimates) != 0 || len(c.Users.Boxes) != 0 || len(c.IPs.Bubbles) != 0 {
		t.Errorf("empty: %+v", c)
	}
}

// TestCallersPickBusiestAndSlowest has 30 users: user-i made 20+i
// requests of 10 ms, except that a few quiet users were slow; and one
// user made only 3 requests, slower still, too few to rank by p95.
func TestCallersPickBusiestAndSlowest(t *testing.T) {
	s := newStore(t)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	slow := map[int]float64{0: 900, 3: 500, 5: 700}
	var reqs []store.Request
	k := 0
	for i := 0; i < 30; i++ {
		for j := 0; j < 20+i; j++ {
			d := 10.0
			if v, ok := slow[i]; ok {
				d = v
			}
			k++
			reqs = append(reqs, rq("GET /a", "v1", start.Add(time.Duration(k)*time.Second), d, 200, fmt.Sprintf("user-%02d", i), "ip"))
		}
	}
	for j := 0; j < 3; j++ {
		reqs = append(reqs, rq("GET /a", "v1", start.Add(time.Duration(j)*time.Second), 5000, 200, "user-quiet", "ip"))
	}
	mustWrite(t, s, reqs)
	const total = 31
	cases := []struct {
		name             string
		top              int
		shown            []string
		busiest, slowest int
	}{
		{"four", 4, []string{"user-29", "user-28", "user-05", "user-00"}, 2, 2},
		{"five: three busiest", 5, []string{"user-29", "user-28", "user-27", "user-05", "user-00"}, 3, 2},
		{"six", 6, []string{"user-29", "user-28", "user-27", "user-05", "user-03", "user-00"}, 3, 3},
		{"all", total, nil, 0, 0},
		{"more than all", 100, nil, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := callers(t, s, Window{}, CallerOptions{Top: c.top}).Users
			var shown []string
			for _, b := range u.Boxes {
				shown = append(shown, b.Label)
			}
			if c.shown == nil {
				if len(shown) != total || u.Omitted != 0 {
					t.Errorf("shown %d, omitted %d; want all %d", len(shown), u.Omitted, total)
				}
				return
			}
			if !slices.Equal(shown, c.shown) {
				t.Errorf("shown %v, want %v", shown, c.shown)
			}
			if u.Busiest != c.busiest || u.Slowest != c.slowest || u.Total != total || u.Omitted != total-c.top {
				t.Errorf("busiest %d slowest %d total %d omitted %d", u.Busiest, u.Slowest, u.Total, u.Omitted)
			}
			var shownReqs int64
			for _, b := range u.Boxes {
				shownReqs += b.N
			}
			if shownReqs+u.OmittedRequests != int64(len(reqs)) {
				t.Errorf("shown %d + omitted %d requests, want %d", shownReqs, u.OmittedRequests, len(reqs))
			}
			if note := u.Note("users"); !strings.Contains(note, fmt.Sprintf("%d busiest and the %d slowest (by p95) of %d users; %d users with %d requests",
				c.busiest, c.slowest, total, total-c.top, u.OmittedRequests)) {
				t.Errorf("note %q", note)
			}
			for _, b := range u.Boxes {
				if b.Label == "user-00" && (b.SlowRank != 1 || b.BusyRank != 30) {
					t.Errorf("user-00 ranks busy %d slow %d, want 30 and 1", b.BusyRank, b.SlowRank)
				}
				if b.Label == "user-quiet" && b.SlowRank != 0 {
					t.Errorf("user-quiet ranked %d by p95 with 3 requests", b.SlowRank)
				}
			}
		})
	}
}

// TestCallersDaysAndEstimates: a window is widened to the UTC days it
// touches; beyond GROUP_LIMIT names a day, counts are estimates within the
// bound the breakdown states.
func TestCallersDaysAndEstimates(t *testing.T) {
	s := newStore(t)
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var reqs []store.Request
	made := map[string]int64{}
	// Ten users on one day, user-i making (i+1)*3 requests; the first
	// three by name are exact.
	k := 0
	for i := 0; i < 10; i++ {
		name := fmt.Sprintf("user-%d", i)
		for j := 0; j < (i+1)*3; j++ {
			k++
			reqs = append(reqs, rq("GET /a", "v1", day.Add(time.Duration(k)*time.Minute), 10, 200, name, "ip"))
			made[name]++
		}
	}
	// A request the next day, outside the window.
	reqs = append(reqs, rq("GET /a", "v1", day.Add(30*time.Hour), 10, 200, "user-9", "ip"))
	if err := s.Write(context.Background(), &store.Batch{Service: svc, Instance: "host", Requests: reqs, GroupLimit: 3}); err != nil {
		t.Fatal(err)
	}
	w := Window{Since: day.Add(10 * time.Hour), Until: day.Add(11 * time.Hour)}
	c := callers(t, s, w, CallerOptions{Top: 4})
	if !c.From.Equal(day) || !c.To.Equal(day.Add(24*time.Hour)) || c.Window != w {
		t.Errorf("days %v to %v for %+v", c.From, c.To, w)
	}
	u := c.Users
	if u.Total != 3 || u.Exact() || u.Slots != 3 {
		t.Fatalf("users %+v", u)
	}
	for _, b := range u.Boxes {
		if b.N != made[b.Label] {
			t.Errorf("%s: %d requests, want exactly %d", b.Label, b.N, made[b.Label])
		}
	}
	var beyond int64
	for i := 3; i < 10; i++ {
		beyond += made[fmt.Sprintf("user-%d", i)]
	}
	if u.Summarized != beyond || u.Bound*int64(u.Slots) > u.Summarized {
		t.Errorf("summarized %d (want %d), bound %d with %d counters", u.Summarized, beyond, u.Bound, u.Slots)
	}
	if len(u.Estimates) == 0 || len(u.Estimates) > 4 || u.Estimates[0].Label != "user-9" {
		t.Fatalf("estimates %+v", u.Estimates)
	}
	for _, e := range u.Estimates {
		if f := made[e.Label]; e.Count-e.Err > f || f > e.Count || e.Err > u.Bound {
			t.Errorf("%s: %d ± %d, made %d (bound %d)", e.Label, e.Count, e.Err, f, u.Bound)
		}
	}
	note := u.Note("users")
	if !strings.Contains(note, fmt.Sprintf("Beyond the first 3 users of each day, %d requests were counted by a summary of 3 counters", beyond)) ||
		!strings.Contains(note, fmt.Sprintf("overstate by at most %d requests", u.Bound)) {
		t.Errorf("note %q", note)
	}
	if ip := c.IPs; !ip.Exact() || ip.EstimateNote("IPs") != "Every figure is exact." {
		t.Errorf("one address, exact: %+v", ip)
	}
}
