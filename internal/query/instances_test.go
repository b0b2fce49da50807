package query

import (
	"context"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func TestServicesAndInstances(t *testing.T) {
	s := newStore(t)
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	var reqs []store.Request
	add := func(service, instance, ep string, n int, first time.Time, durMs float64, status int) {
		for i := range n {
			r := rq(ep, "v1", first.Add(time.Duration(i)*time.Minute), durMs, status, "", "")
			r.Service, r.Instance = service, instance
			reqs = append(reqs, r)
		}
	}
	add(svc, "a", "GET /x", 30, t0, 10, 200)
	add(svc, "a", "GET /y", 5, t0.Add(2*time.Hour), 1, 500)
	add(svc, "b", "GET /x", 12, t0.Add(time.Hour), 40, 200)
	add("other", "a", "GET /z", 7, t0, 5, 200) // same instance name, other service
	if err := s.Write(context.Background(), &store.Batch{Requests: reqs}); err != nil {
		t.Fatal(err)
	}
	sc := Scope{Store: s, Loc: time.UTC}

	all, err := Services(context.Background(), sc, Window{})
	if err != nil {
		t.Fatal(err)
	}
	type inst struct {
		name     string
		hits     int64
		errors   int64
		lastSeen time.Time
	}
	want := map[string][]inst{
		"other": {{"a", 7, 0, t0.Add(6 * time.Minute)}},
		svc:     {{"a", 35, 5, t0.Add(2*time.Hour + 4*time.Minute)}, {"b", 12, 0, t0.Add(time.Hour + 11*time.Minute)}},
	}
	if len(all) != 2 || all[0].Name != "other" || all[1].Name != svc {
		t.Fatalf("services %+v, want other and %s", all, svc)
	}
	for _, sv := range all {
		w := want[sv.Name]
		if len(sv.Instances) != len(w) {
			t.Errorf("%s: instances %+v, want %d", sv.Name, sv.Instances, len(w))
			continue
		}
		for i, in := range sv.Instances {
			if in.Name != w[i].name || in.Hits != w[i].hits || in.Errors != w[i].errors || !in.LastSeen.Equal(w[i].lastSeen) {
				t.Errorf("%s instance %d: %+v, want %+v", sv.Name, i, in, w[i])
			}
		}
	}

	// A window of the first hour only.
	sc.Service = svc
	first, err := Instances(context.Background(), sc, Window{Since: t0, Until: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 2 || first[0].Hits != 30 || first[1].Hits != 0 {
		t.Errorf("first hour: %+v, want a 30, b 0", first)
	}

	boxes, err := EndpointInstances(context.Background(), sc, "GET /x", Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 2 || boxes[0].Label != "a" || boxes[0].N != 30 || boxes[1].Label != "b" || boxes[1].N != 12 ||
		!near(boxes[0].MedianMs, 10) || !near(boxes[1].P95Ms, 40) {
		t.Errorf("GET /x by instance: %+v", boxes)
	}
	ys, err := EndpointInstances(context.Background(), sc, "GET /y", Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ys) != 1 || ys[0].Label != "a" || ys[0].Errors != 5 {
		t.Errorf("GET /y by instance: %+v, want only a, with 5 errors", ys)
	}
}
