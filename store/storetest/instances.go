package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// testInstances: services are listed once they declared anything, and
// instances with the first and latest start of their requests, whatever
// the order in which batches arrive.
func testInstances(t *testing.T, s store.Store) {
	ctx := context.Background()
	at := func(service, instance string, minutes ...int) []store.Request {
		var out []store.Request
		for _, m := range minutes {
			out = append(out, store.Request{Service: service, Instance: instance, Endpoint: "GET /x", Method: "GET", Status: 200,
				Start: base.Add(time.Duration(m) * time.Minute), Duration: time.Millisecond, Version: "v1"})
		}
		return out
	}
	// A later batch holding older requests does not move LastSeen back
	// (nor FirstSeen, the earliest start in the batch that named it).
	write(t, s, &store.Batch{Requests: append(at("books", "b-1", 30, 10), at("orders", "o-1", 5)...)})
	write(t, s, &store.Batch{Requests: at("books", "b-1", 20, 2)})
	write(t, s, &store.Batch{Requests: at("books", "b-2", 300)})
	// An instance that wrote only a counter, and a service that only
	// declared itself.
	write(t, s, &store.Batch{Counters: []store.Counter{{Service: "books", Instance: "b-3", Name: store.CounterDroppedQueueFull, Value: 4}}})
	write(t, s, &store.Batch{Versions: []store.Version{{Service: "idle", Name: "v9", FirstSeen: base}},
		Endpoints: []store.Endpoint{{Service: "idle", Name: "GET /y", Level: 1, FirstSeen: base}}})

	services, err := s.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"books", "idle", "orders"}; !slices.Equal(services, want) {
		t.Errorf("Services = %q, want %q", services, want)
	}

	all, err := s.Instances(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		service, name string
		first, last   int // minutes after base; -1: not checked / zero
	}
	want := []row{{"books", "b-1", 10, 30}, {"books", "b-2", 300, 300}, {"books", "b-3", -1, -1}, {"orders", "o-1", 5, 5}}
	if len(all) != len(want) {
		t.Fatalf("Instances(\"\") = %+v, want %d instances", all, len(want))
	}
	for i, w := range want {
		g := all[i]
		if g.Service != w.service || g.Name != w.name {
			t.Errorf("instance %d is %s/%s, want %s/%s", i, g.Service, g.Name, w.service, w.name)
			continue
		}
		if w.first >= 0 && !g.FirstSeen.Equal(base.Add(time.Duration(w.first)*time.Minute)) {
			t.Errorf("%s/%s: FirstSeen %v, want base+%dm", g.Service, g.Name, g.FirstSeen, w.first)
		}
		if w.first < 0 && g.FirstSeen.IsZero() {
			t.Errorf("%s/%s: FirstSeen is zero", g.Service, g.Name)
		}
		if w.last >= 0 && !g.LastSeen.Equal(base.Add(time.Duration(w.last)*time.Minute)) {
			t.Errorf("%s/%s: LastSeen %v, want base+%dm", g.Service, g.Name, g.LastSeen, w.last)
		}
		if w.last < 0 && !g.LastSeen.IsZero() {
			t.Errorf("%s/%s wrote no request: LastSeen %v, want zero", g.Service, g.Name, g.LastSeen)
		}
	}
	books, err := s.Instances(ctx, "books")
	if err != nil {
		t.Fatal(err)
	}
	if len(books) != 3 || books[0].Name != "b-1" || books[2].Name != "b-3" {
		t.Errorf("Instances(books) = %+v, want b-1, b-2, b-3", books)
	}
	if none, err := s.Instances(ctx, "nobody"); err != nil || len(none) != 0 {
		t.Errorf("Instances(nobody) = %+v, %v; want none", none, err)
	}

	// LastSeen may lag by up to a second, never more.
	later := at("books", "b-2", 300)
	later[0].Start = later[0].Start.Add(500 * time.Millisecond)
	write(t, s, &store.Batch{Requests: later})
	lastOfB2 := func() time.Time {
		t.Helper()
		ins, err := s.Instances(ctx, "books")
		if err != nil || len(ins) != 3 {
			t.Fatalf("Instances(books) = %+v, %v", ins, err)
		}
		return ins[1].LastSeen
	}
	if got, want := lastOfB2(), later[0].Start; got.After(want) || got.Before(want.Add(-time.Second)) {
		t.Errorf("b-2 last seen %v after a request at %v, want within the second before", got, want)
	}
	write(t, s, &store.Batch{Requests: at("books", "b-2", 305)})
	if got, want := lastOfB2(), base.Add(305*time.Minute); !got.Equal(want) {
		t.Errorf("b-2 last seen %v, want %v", got, want)
	}
}
