package query

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func TestVersionsPage(t *testing.T) {
	s := newStore(t)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	many := func(ep, ver string, at time.Time, durMs float64, n, errs int) []store.Request {
		var out []store.Request
		for i := 0; i < n; i++ {
			status := 200
			if i < errs {
				status = 500
			}
			out = append(out, rq(ep, ver, at.Add(time.Duration(i)*time.Second), durMs, status, "", ""))
		}
		return out
	}
	var reqs []store.Request
	reqs = append(reqs, many("GET /a", "v1", start, 10, 10, 0)...)
	reqs = append(reqs, many("GET /a", "v2", start.Add(24*time.Hour), 20, 10, 5)...) // twice as slow
	reqs = append(reqs, many("GET /a", "v3", start.Add(48*time.Hour), 5, 10, 0)...)  // four times faster
	reqs = append(reqs, many("GET /b", "v1", start, 100, 4, 0)...)
	reqs = append(reqs, many("GET /b", "v3", start.Add(48*time.Hour), 80, 4, 0)...) // compared with v1: no v2 requests
	mustWrite(t, s, reqs,
		store.Version{Name: "v1", FirstSeen: start}, store.Version{Name: "v2", FirstSeen: start.Add(24 * time.Hour)},
		store.Version{Name: "v3", FirstSeen: start.Add(48 * time.Hour)}, store.Version{Name: "v4", FirstSeen: start.Add(72 * time.Hour)})
	p, err := Versions(context.Background(), Scope{Store: s, Service: svc}, Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Versions) != 4 {
		t.Fatalf("versions %+v", p.Versions)
	}
	v1, v2, v4 := p.Versions[0], p.Versions[1], p.Versions[3]
	if v1.Name != "v1" || v1.Hits != 14 {
		t.Errorf("v1 %+v", v1)
	}
	if !near(v1.MedianMs, 10) || !near(v1.P95Ms, 100) || math.Abs(v1.AvgMs-(10*10+4*100)/14.0) > 1e-9 {
		t.Errorf("v1 median %v p95 %v avg %v", v1.MedianMs, v1.P95Ms, v1.AvgMs)
	}
	if v2.Hits != 10 || v2.Errors != 5 || v2.ErrorRate != 0.5 || !near(v2.MedianMs, 20) || !v2.FirstSeen.Equal(start.Add(24*time.Hour)) {
		t.Errorf("v2 %+v", v2)
	}
	if b := v1.Box; b.Label != "v1" || b.N != 14 || b.MinMs != 10 || b.MaxMs != 100 || !near(b.Q1Ms, 10) || !near(b.Q3Ms, 100) || b.MedianMs != v1.MedianMs {
		t.Errorf("v1 box %+v", b)
	}
	if v4.Name != "v4" || v4.Hits != 0 || v4.MedianMs != 0 || v4.Box.N != 0 {
		t.Errorf("a version without requests: %+v", v4)
	}
	if len(p.Endpoints) != 2 || p.Endpoints[0].Endpoint != "GET /a" || p.Endpoints[1].Endpoint != "GET /b" {
		t.Fatalf("endpoints %+v", p.Endpoints)
	}
	a := p.Endpoints[0].Versions
	if len(a) != 3 || a[0].Previous != "" || a[0].MedianChange != 0 || a[1].Previous != "v1" || a[2].Previous != "v2" {
		t.Fatalf("GET /a versions %+v", a)
	}
	if math.Abs(a[1].MedianChange-1) > 0.03 || math.Abs(a[1].P95Change-1) > 0.03 || math.Abs(a[2].MedianChange+0.75) > 0.03 {
		t.Errorf("GET /a changes: v2 %+.3f/%+.3f, v3 %+.3f; want +1, +1, -0.75", a[1].MedianChange, a[1].P95Change, a[2].MedianChange)
	}
	b := p.Endpoints[1].Versions
	if len(b) != 2 || b[1].Version != "v3" || b[1].Previous != "v1" || math.Abs(b[1].MedianChange+0.2) > 0.03 || b[1].Hits != 4 {
		t.Errorf("GET /b versions %+v", b)
	}

	// A window: only v3's day.
	p, err = Versions(context.Background(), Scope{Store: s, Service: svc}, Window{Since: start.Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Versions[0].Hits != 0 || p.Versions[2].Hits != 14 || len(p.Endpoints[0].Versions) != 1 || p.Endpoints[0].Versions[0].Previous != "" {
		t.Errorf("windowed page %+v", p)
	}
}

func TestVersionsPageEmpty(t *testing.T) {
	p, err := Versions(context.Background(), Scope{Store: newStore(t), Service: svc}, Window{})
	if err != nil || len(p.Versions) != 0 || len(p.Endpoints) != 0 {
		t.Errorf("empty: %+v, %v", p, err)
	}
}
