package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// waitLevel waits until d's level of endpoint is want. In a synctest
// bubble it waits in fake time.
func waitLevel(t *testing.T, d *Dashboard, endpoint string, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		lvl, _ := d.Level(endpoint)
		if lvl == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("level of %s stayed %d, want %d", endpoint, lvl, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLevelSetElsewhereTakesEffect: two instances of one service share a
// database. A level set on one, or written to the database as gmd serve
// does, reaches the other without a restart, and its requests follow it.
// In a synctest bubble, served without a network: waitLevel polls in
// fake time.
func TestLevelSetElsewhereTakesEffect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memStore(t)
		fast := map[string]string{"LEVEL_REFRESH_INTERVAL": "100ms"}
		d1 := mustNew(t, booksMux(), Config{Store: s, Instance: "host-1", Settings: fast})
		d2 := mustNew(t, booksMux(), Config{Store: s, Instance: "host-2", Settings: fast})
		const ep = "GET /books/{id}"
		serveGet(d1, "/books/1")
		serveGet(d2, "/books/1")

		if err := d1.SetLevel(context.Background(), ep, store.LevelOff); err != nil {
			t.Fatal(err)
		}
		waitLevel(t, d2, ep, store.LevelOff)
		serveGet(d2, "/books/2") // off on host-2 too: not recorded

		// gmd serve writes the level to the database only.
		if err := s.SetLevel(context.Background(), "svc", ep, store.LevelOutliers); err != nil {
			t.Fatal(err)
		}
		waitLevel(t, d1, ep, store.LevelOutliers)
		waitLevel(t, d2, ep, store.LevelOutliers)
		serveGet(d2, "/books/3")

		mustClose(t, d1)
		mustClose(t, d2)
		got := map[string]int{}
		for _, r := range rowsOf(t, s, store.RequestFilter{}) {
			got[r.Instance]++
		}
		if got["host-1"] != 1 || got["host-2"] != 2 {
			t.Errorf("rows per instance %v, want host-1: 1, host-2: 2 (books/2 was off)", got)
		}
	})
}

// TestLevelRefreshOff: with LEVEL_REFRESH_INTERVAL=0 the levels are read
// at start only.
// In a synctest bubble: a minute passes in fake time, twelve refresh
// intervals of the default.
func TestLevelRefreshOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memStore(t)
		d := mustNew(t, booksMux(), Config{Store: s, Settings: map[string]string{"LEVEL_REFRESH_INTERVAL": "0"}})
		serveGet(d, "/books/1")
		mustClose(t, d) // writes the endpoint
		d = mustNew(t, booksMux(), Config{Store: s, Settings: map[string]string{"LEVEL_REFRESH_INTERVAL": "0"}})
		if err := s.SetLevel(context.Background(), "svc", "GET /books/{id}", store.LevelProfiler); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		if lvl, _ := d.Level("GET /books/{id}"); lvl != store.LevelTiming {
			t.Errorf("level %d without refresh, want the one read at start, %d", lvl, store.LevelTiming)
		}
	})
}

// TestRefreshDoesNotUndoALocalChange: a refresh whose read began before a
// level was set here is dropped, since the database may not have had the
// new level yet; the next refresh applies.
func TestRefreshDoesNotUndoALocalChange(t *testing.T) {
	g := newRegistry(store.LevelTiming, nil)
	e := g.get("GET /a")
	stored := []store.Endpoint{{Name: "GET /a", Level: store.LevelTiming}, {Name: "GET /new", Level: store.LevelOff}}

	before := g.changeCount()
	g.setLevel(e, store.LevelProfiler)
	g.refresh(stored, before)
	if lvl := e.level.Load(); lvl != store.LevelProfiler {
		t.Errorf("a stale refresh set the level back to %d", lvl)
	}
	if g.lookup("GET /new") != nil {
		t.Error("a stale refresh added an endpoint")
	}

	g.refresh(stored, g.changeCount())
	if lvl := e.level.Load(); lvl != store.LevelTiming {
		t.Errorf("a current refresh left level %d, want the stored %d", lvl, store.LevelTiming)
	}
	if n := g.lookup("GET /new"); n == nil || n.level.Load() != store.LevelOff {
		t.Errorf("a current refresh did not add the stored endpoint at its level: %+v", n)
	}
}

// TestUnchangedLevelsRefreshWithoutAlloc: levels that did not change cost
// no copy of the endpoint table.
func TestUnchangedLevelsRefreshWithoutAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts say nothing under the race detector")
	}
	g := newRegistry(store.LevelTiming, nil)
	var stored []store.Endpoint
	for _, n := range []string{"GET /a", "GET /b", "POST /c"} {
		g.get(n)
		stored = append(stored, store.Endpoint{Name: n, Level: store.LevelOutliers})
	}
	if a := testing.AllocsPerRun(100, func() { g.refresh(stored, g.changeCount()) }); a != 0 {
		t.Errorf("refresh allocates %v times", a)
	}
	if lvl := g.lookup("POST /c").level.Load(); lvl != store.LevelOutliers {
		t.Errorf("level %d, want %d", lvl, store.LevelOutliers)
	}
}

// TestMonitorLevelKeptWhenAPanicComesFirst: with MONITOR_LEVEL=2 and a
// fresh database, an endpoint whose first stored event is a panic is
// stored at level 2, so the level refresh keeps it there. (When panics and
// outliers had a writer of their own, it could create the endpoint at
// level 1 before the recorder declared it, and the refresh then lowered
// the running level, which stopped outlier capture.) In a synctest
// bubble: the flushes and the 5 s refresh pass in fake time, and the
// request is served without a network.
func TestMonitorLevelKeptWhenAPanicComesFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
		d := mustNew(t, mux, Config{Settings: map[string]string{"MONITOR_LEVEL": "2", "OUTLIER_MIN_REQUESTS": "0"}})
		func() {
			defer func() {
				if v := recover(); v != "boom" {
					t.Errorf("recovered %v, want the handler's panic", v)
				}
			}()
			d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/boom", nil))
		}()
		time.Sleep(7 * time.Second) // flushes, then the level refresh (every 5 s)
		if lvl, _ := d.Level("GET /boom"); lvl != store.LevelOutliers {
			t.Errorf("running level %d after the refresh, want MONITOR_LEVEL 2", lvl)
		}
		eps, err := d.store.Endpoints(context.Background(), "svc")
		if err != nil {
			t.Fatal(err)
		}
		if len(eps) != 1 || eps[0].Name != "GET /boom" || eps[0].Level != store.LevelOutliers {
			t.Errorf("stored endpoints %+v, want GET /boom at level 2", eps)
		}
		groups, err := d.store.ErrorGroups(context.Background(), store.ErrorFilter{Service: "svc"})
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 || groups[0].Count != 1 {
			t.Errorf("error groups %+v, want the one panic", groups)
		}
		mustClose(t, d)
	})
}
