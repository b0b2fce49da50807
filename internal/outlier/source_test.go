package outlier

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/profiler"
	"github.com/go-monitoring-dashboard/dashboard/internal/recorder"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

func newMonitor(t *testing.T, o Options) *Monitor {
	t.Helper()
	o.Service, o.Instance, o.Version = "svc", "i1", "v1"
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// finished hands the monitor an outlier as if the watchdog had captured
// it and both halves were in.
func finished(m *Monitor, ep string, dur time.Duration) {
	m.captured.Add(1)
	c := &capture{o: store.Outlier{Service: "svc", Instance: "i1", Version: "v1", Endpoint: ep, Duration: dur, Start: time.Now()}}
	c.parties.Store(1)
	m.complete(c)
}

func TestCollectHandsOverAndStartsOver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMonitor(t, Options{ProfileFlush: time.Minute})
		finished(m, "GET /slow", time.Second)
		m.Panic("GET /boom", "boom")
		m.Panic("GET /boom", "boom")
		m.prof.Add("GET /prof", []profiler.Frame{{Func: "main.f", File: "/m.go", Line: 3}}, 10*time.Millisecond)

		var b store.Batch
		m.Collect(&b, false)
		if len(b.Outliers) != 1 || b.Outliers[0].Endpoint != "GET /slow" || len(b.Panics) != 1 || b.Panics[0].Count != 2 {
			t.Fatalf("collected %d outliers, panics %+v; want 1 and one group of 2", len(b.Outliers), b.Panics)
		}
		if len(b.Profiles) != 0 {
			t.Errorf("profiles handed over before PROFILE_INTERVAL passed: %d", len(b.Profiles))
		}
		b = store.Batch{}
		m.Collect(&b, false)
		if len(b.Outliers)+len(b.Panics)+len(b.Profiles) != 0 {
			t.Errorf("a second Collect found %+v", b)
		}
		time.Sleep(time.Minute)
		m.Collect(&b, false)
		if len(b.Profiles) != 1 || b.Profiles[0].Endpoint != "GET /prof" || b.Profiles[0].Samples != 1 {
			t.Errorf("after a minute: profiles %+v", b.Profiles)
		}
		m.prof.Add("GET /prof", []profiler.Frame{{Func: "main.f"}}, 10*time.Millisecond)
		b = store.Batch{}
		m.Collect(&b, true)
		if len(b.Profiles) != 1 {
			t.Errorf("the final Collect left the profile behind: %+v", b.Profiles)
		}
	})
}

func TestPendingOutliersAreBoundedAndCounted(t *testing.T) {
	m := newMonitor(t, Options{})
	for i := 0; i < maxPendingOutliers+30; i++ {
		finished(m, "GET /x", time.Duration(i))
	}
	var b store.Batch
	m.Collect(&b, false)
	if len(b.Outliers) != maxPendingOutliers || m.Stats().Dropped != 30 {
		t.Fatalf("collected %d, dropped %d; want %d and 30", len(b.Outliers), m.Stats().Dropped, maxPendingOutliers)
	}
	// What the writer drops is counted too, under the same names.
	m.Dropped(&store.Batch{
		Outliers: make([]store.Outlier, 2),
		Panics:   []store.Panic{{Count: 3}, {Count: 4}},
		Profiles: []store.Profile{{Samples: 11}},
	})
	st := m.Stats()
	if st.Dropped != 32 || st.PanicsDropped != 7 || st.SamplesDropped != 11 {
		t.Errorf("stats %+v; want 32 outliers, 7 panics and 11 samples dropped", st)
	}
	got := map[string]int64{}
	for _, c := range m.Counters() {
		got[c.Name] = c.Value
	}
	if got[CounterDropped] != 32 || got[CounterPanicDropped] != 7 || got[CounterSampleDrop] != 11 {
		t.Errorf("counters %v", got)
	}
}

// failing is a real store whose writes fail while down is set.
type failing struct {
	store.Store
	mu   sync.Mutex
	down bool
}

func (f *failing) Write(ctx context.Context, b *store.Batch) error {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return errors.New("database down")
	}
	return f.Store.Write(ctx, b)
}

func (f *failing) set(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

// TestOneWriter: the recorder writes what the monitor gathers with its
// batches. Through an outage there is one log line and one recovery line
// for requests, outliers and panics alike, and nothing is lost; the
// monitor's counters are stored with the recorder's. In a synctest bubble:
// the flush interval and the backoff pass in fake time.
func TestOneWriter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		f := &failing{Store: s, down: true}
		m := newMonitor(t, Options{})
		var logs bytes.Buffer
		rec := recorder.New(f, recorder.Options{Service: "svc", Instance: "i1", Version: "v1", Source: m,
			FlushInterval: time.Second, MinBackoff: time.Second, MaxBackoff: 4 * time.Second,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		rec.DeclareEndpoint(store.Endpoint{Name: "GET /boom", Level: 2})
		m.Panic("GET /boom", "boom")
		finished(m, "GET /slow", time.Second)
		rec.Add(recorder.Sample{Endpoint: "GET /boom", Method: "GET", Status: 500, Start: time.Now().UnixMicro()})
		time.Sleep(10 * time.Second) // several failed attempts
		f.set(false)
		time.Sleep(10 * time.Second)
		if st := rec.Stats(); st.Written != 1 || st.Backlog != 0 || st.BacklogBytes != 0 {
			t.Errorf("recorder stats after recovery %+v", st)
		}
		if err := m.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := rec.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		out := logs.String()
		if strings.Count(out, "writing to the database failed") != 1 || strings.Count(out, "works again") != 1 {
			t.Errorf("want one failure and one recovery line:\n%s", out)
		}
		ctx := context.Background()
		groups, _ := s.ErrorGroups(ctx, store.ErrorFilter{Service: "svc"})
		os, _ := s.Outliers(ctx, store.OutlierFilter{Service: "svc"})
		if len(groups) != 1 || groups[0].Count != 1 || len(os) != 1 {
			t.Errorf("stored %d error groups %+v and %d outliers; want 1 and 1", len(groups), groups, len(os))
		}
		eps, _ := s.Endpoints(ctx, "svc")
		for _, e := range eps {
			if e.Name == "GET /boom" && e.Level != 2 {
				t.Errorf("GET /boom stored at level %d, want its declared 2", e.Level)
			}
		}
		cs, _ := s.Counters(ctx, "svc")
		stored := map[string]int64{}
		for _, c := range cs {
			stored[c.Name] += c.Value
		}
		if stored[CounterCaptured] != 1 || stored[CounterDropped] != 0 {
			t.Errorf("counters stored %v; want %s = 1", stored, CounterCaptured)
		}
	})
}
