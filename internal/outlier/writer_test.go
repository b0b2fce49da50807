package outlier

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// flakyStore records what is written and fails while down is set.
type flakyStore struct {
	store.Store
	mu       sync.Mutex
	down     bool
	outliers []store.Outlier
	panics   []store.Panic
	counters map[string]int64
}

var errDown = errors.New("database down")

func (f *flakyStore) WriteOutliers(_ context.Context, os []store.Outlier) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	f.outliers = append(f.outliers, os...)
	return nil
}

func (f *flakyStore) WritePanics(_ context.Context, ps []store.Panic) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	f.panics = append(f.panics, ps...)
	return nil
}

func (f *flakyStore) WriteProfiles(context.Context, []store.Profile) error { return nil }

func (f *flakyStore) Write(_ context.Context, b *store.Batch) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	if f.counters == nil {
		f.counters = map[string]int64{}
	}
	for _, c := range b.Counters {
		f.counters[c.Name] += c.Value
	}
	return nil
}

func TestWriterKeepsWhatFailsWithinBounds(t *testing.T) {
	st := &flakyStore{down: true}
	m, err := New(Options{Service: "svc", Logger: slog.New(slog.DiscardHandler), FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	m.Start(st)
	w := &writer{m: m, lastProfile: time.Now()}
	for i := 0; i < maxPendingOutliers+30; i++ {
		w.outliers = append(w.outliers, store.Outlier{Service: "svc", Endpoint: "GET /x", Duration: time.Duration(i)})
	}
	m.pan.add("svc", "i", "v", "GET /x", "boom", "main.f()\n", nil, time.Now())
	if err := w.flush(context.Background(), false); !errors.Is(err, errDown) {
		t.Fatalf("flush while down: %v", err)
	}
	if len(w.outliers) != maxPendingOutliers || m.dropped.Load() != 30 {
		t.Fatalf("kept %d, dropped %d; want %d kept, 30 dropped", len(w.outliers), m.dropped.Load(), maxPendingOutliers)
	}
	if w.outliers[0].Duration != 30 {
		t.Errorf("kept from %v, want the newest", w.outliers[0].Duration)
	}
	st.mu.Lock()
	st.down = false
	st.mu.Unlock()
	if err := w.flush(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	if len(st.outliers) != maxPendingOutliers || len(st.panics) != 1 || st.panics[0].Count != 1 || st.counters[CounterDropped] != 30 {
		t.Errorf("after recovery: %d outliers, panics %+v, counters %v", len(st.outliers), st.panics, st.counters)
	}
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCloseGivesUpWhenContextEnds(t *testing.T) {
	st := &flakyStore{down: true}
	m, err := New(Options{Service: "svc", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	m.Start(st)
	m.Panic("GET /x", "boom")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = m.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "not all written") || !errors.Is(err, errDown) {
		t.Fatalf("Close: %v", err)
	}
	if err2 := m.Close(context.Background()); err2 != err {
		t.Errorf("second Close: %v", err2)
	}
}
