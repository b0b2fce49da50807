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

	if c.Sample.Rows != 104 || c.Sample.Total != 104 || c.Sample.Limited ||
		!c.Sample.From.Equal(start.Add(time.Minute)) || !c.Sample.To.Equal(start.Add(6*time.Hour)) {
		t.Errorf("sample %+v", c.Sample)
	}
	u := c.Users
	if u.Total != 3 || u.Omitted != 0 || len(u.Boxes) != 3 {
		t.Fatalf("users %+v", u)
	}
	names := []string{u.Boxes[0].Label, u.Boxes[1].Label, u.Boxes[2].Label}
	if !slices.Equal(names, []string{"alice", "bob", NoName}) {
		t.Errorf("order %v, want by requests", names)
	}
	// Raw rows give exact nearest-rank percentiles.
	a := u.Boxes[0]
	if a.N != 100 || a.MinMs != 1 || a.Q1Ms != 25 || a.MedianMs != 50 || a.Q3Ms != 75 || a.P95Ms != 95 || a.MaxMs != 100 || a.AvgMs != 50.5 {
		t.Errorf("alice %+v", a.Box)
	}
	b := u.Boxes[1]
	if b.N != 3 || b.MinMs != 10 || b.Q1Ms != 10 || b.MedianMs != 30 || b.Q3Ms != 50 || b.MaxMs != 50 || b.AvgMs != 30 {
		t.Errorf("bob %+v", b.Box)
	}
	if a.BusyRank != 1 || a.SlowRank != 1 || b.BusyRank != 2 || b.SlowRank != 2 || u.Boxes[2].SlowRank != 3 {
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
	if c.Sample.Rows != 0 || c.Sample.Limited || c.Users.Total != 0 || len(c.Users.Boxes) != 0 || len(c.IPs.Bubbles) != 0 {
		t.Errorf("empty: %+v", c)
	}
}

// TestCallersPickBusiestAndSlowest has 30 users: user-i made i+1 requests
// of 10 ms, except that a few quiet users were slow.
func TestCallersPickBusiestAndSlowest(t *testing.T) {
	s := newStore(t)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	slow := map[int]float64{0: 900, 3: 500, 5: 700}
	var reqs []store.Request
	k := 0
	for i := 0; i < 30; i++ {
		for j := 0; j <= i; j++ {
			d := 10.0
			if v, ok := slow[i]; ok {
				d = v
			}
			k++
			reqs = append(reqs, rq("GET /a", "v1", start.Add(time.Duration(k)*time.Second), d, 200, fmt.Sprintf("user-%02d", i), "ip"))
		}
	}
	mustWrite(t, s, reqs)
	cases := []struct {
		name             string
		top              int
		shown            []string
		busiest, slowest int
	}{
		{"four", 4, []string{"user-29", "user-28", "user-05", "user-00"}, 2, 2},
		{"five: three busiest", 5, []string{"user-29", "user-28", "user-27", "user-05", "user-00"}, 3, 2},
		{"six", 6, []string{"user-29", "user-28", "user-27", "user-05", "user-03", "user-00"}, 3, 3},
		{"all", 30, nil, 0, 0},
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
				if len(shown) != 30 || u.Omitted != 0 {
					t.Errorf("shown %d, omitted %d; want all 30", len(shown), u.Omitted)
				}
				return
			}
			if !slices.Equal(shown, c.shown) {
				t.Errorf("shown %v, want %v", shown, c.shown)
			}
			if u.Busiest != c.busiest || u.Slowest != c.slowest || u.Total != 30 || u.Omitted != 30-c.top {
				t.Errorf("busiest %d slowest %d total %d omitted %d", u.Busiest, u.Slowest, u.Total, u.Omitted)
			}
			var shownReqs int64
			for _, b := range u.Boxes {
				shownReqs += b.N
			}
			if shownReqs+u.OmittedRequests != int64(len(reqs)) {
				t.Errorf("shown %d + omitted %d requests, want %d", shownReqs, u.OmittedRequests, len(reqs))
			}
			if note := u.Note("users"); !strings.Contains(note, fmt.Sprintf("%d busiest and the %d slowest (by p95) of 30 users; %d users with %d requests",
				c.busiest, c.slowest, 30-c.top, u.OmittedRequests)) {
				t.Errorf("note %q", note)
			}
			for _, b := range u.Boxes {
				if b.Label == "user-00" && (b.SlowRank != 1 || b.BusyRank != 30) {
					t.Errorf("user-00 ranks busy %d slow %d, want 30 and 1", b.BusyRank, b.SlowRank)
				}
			}
		})
	}
}

func TestCallersSampleLimit(t *testing.T) {
	s := newStore(t)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var reqs []store.Request
	for i := 0; i < 100; i++ {
		// The oldest half by one user, the newest half by another.
		reqs = append(reqs, rq("GET /a", "v1", start.Add(time.Duration(i)*time.Minute), float64(i+1), 200, fmt.Sprint("u", i/50), "ip"))
	}
	mustWrite(t, s, reqs)
	c := callers(t, s, Window{}, CallerOptions{Limit: 40})
	if !c.Sample.Limited || c.Sample.Rows != 40 || c.Sample.Total != 100 || c.Sample.Limit != 40 ||
		!c.Sample.From.Equal(start.Add(60*time.Minute)) || !c.Sample.To.Equal(start.Add(99*time.Minute)) {
		t.Errorf("sample %+v", c.Sample)
	}
	if c.Users.Total != 1 || c.Users.Boxes[0].Label != "u1" || c.Users.Boxes[0].MinMs != 61 {
		t.Errorf("users from the newest rows: %+v", c.Users.Boxes)
	}
	// A window that holds fewer rows than the limit is read whole.
	w := Window{Since: start.Add(10 * time.Minute), Until: start.Add(20 * time.Minute)}
	c = callers(t, s, w, CallerOptions{Limit: 40})
	if c.Sample.Limited || c.Sample.Rows != 10 || c.Sample.Total != 10 || c.Users.Boxes[0].MinMs != 11 || c.Sample.Window != w {
		t.Errorf("window sample %+v, users %+v", c.Sample, c.Users.Boxes)
	}
	// Exactly the limit: not cut short.
	c = callers(t, s, Window{}, CallerOptions{Limit: 100})
	if c.Sample.Limited || c.Sample.Rows != 100 {
		t.Errorf("limit equal to the rows: %+v", c.Sample)
	}
}
