package retention

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/testlog"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

var now0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable time source.
type clock struct{ us atomic.Int64 }

func (c *clock) now() time.Time      { return time.UnixMicro(c.us.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.us.Store(t.UnixMicro()) }
func (c *clock) add(d time.Duration) { c.us.Add(d.Microseconds()) }
func ago(days float64) time.Time     { return now0.Add(-time.Duration(days * float64(Day))) }
func reqAt(t time.Time) store.Request {
	return store.Request{Service: "s", Instance: "i", Endpoint: "GET /a", Method: "GET", Status: 200, Start: t, Version: "v"}
}

func starts(t *testing.T, s store.Store) []time.Time {
	t.Helper()
	var out []time.Time
	if err := s.Requests(context.Background(), store.RequestFilter{}, func(r *store.Request) error {
		out = append(out, r.Start)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func hours(t *testing.T, s store.Store) []time.Time {
	t.Helper()
	rus, err := s.Rollups(context.Background(), store.RollupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	for _, ru := range rus {
		out = append(out, ru.Hour)
	}
	return out
}

// TestPrunesByAgeWithInjectedClock runs in a synctest bubble: the first
// round comes after First in fake time, and the test waits for it
// without polling.
func TestPrunesByAgeWithInjectedClock(t *testing.T) {
	synctest.Test(t, testPrunesByAge)
}

func testPrunesByAge(t *testing.T) {
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var reqs []store.Request
	for _, d := range []float64{400, 100, 95, 91, 89, 30, 0.5} {
		for range 3 { // more rows than a batch
			reqs = append(reqs, reqAt(ago(d)))
		}
	}
	if err := s.Write(context.Background(), &store.Batch{Requests: reqs}); err != nil {
		t.Fatal(err)
	}
	var c clock
	c.set(now0)
	p := Start(s, Options{Raw: 90 * Day, Rollups: 365 * Day, Now: c.now, Batch: 2, Pause: time.Millisecond,
		First: time.Millisecond, Every: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	defer p.Close()
	time.Sleep(time.Minute) // First, and the pauses between batches
	if _, rounds, _ := p.Stats(); rounds != 1 {
		t.Fatalf("%d rounds after a minute, want the first one", rounds)
	}
	got := starts(t, s)
	if len(got) != 9 || !got[0].Equal(ago(89)) {
		t.Fatalf("raw rows left start at %v (%d rows); want 9 from 89 days ago", got, len(got))
	}
	if h := hours(t, s); len(h) != 6 || !h[0].Equal(store.HourOf(ago(100))) {
		t.Errorf("rollups left: %v; want every hour but the one 400 days ago", h)
	}
	deleted, _, err := p.Stats()
	if deleted != 12+1+1 || err != nil { // 12 raw rows, a rollup and its histogram row
		t.Errorf("deleted %d rows (%v), want 14", deleted, err)
	}
	// Two days later the rows of 89 days ago are past 90.
	c.add(2 * Day)
	if err := p.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := starts(t, s); len(got) != 6 || !got[0].Equal(ago(30)) {
		t.Errorf("after two more days: %v", got)
	}
}

// endless always finds a full batch to delete.
type endless struct{ calls atomic.Int64 }

func (e *endless) PruneRequests(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	e.calls.Add(1)
	return int64(limit), ctx.Err()
}

func (e *endless) PruneDaily(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	return e.PruneRequests(ctx, cutoff, limit)
}

func (e *endless) PruneRollups(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	return e.PruneRequests(ctx, cutoff, limit)
}

// TestCloseStopsARoundAndWaits runs in a synctest bubble: Close must
// return without any time passing, in the middle of the hour-long pause.
func TestCloseStopsARoundAndWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := &endless{}
		p := Start(e, Options{Raw: Day, Pause: time.Hour, First: time.Millisecond})
		time.Sleep(time.Minute) // the round has begun, and pauses
		if n := e.calls.Load(); n != 1 {
			t.Fatalf("%d deletes after a minute, want 1 then the hour's pause", n)
		}
		before := time.Now()
		p.Close()
		if waited := time.Since(before); waited != 0 {
			t.Errorf("Close waited %v for the pause", waited)
		}
		if n := e.calls.Load(); n != 1 {
			t.Errorf("%d deletes, want 1 then the pause that Close cut short", n)
		}
	})
}

func TestNothingToKeepStartsNothing(t *testing.T) {
	if p := Start(&endless{}, Options{}); p != nil {
		t.Error("a pruner started with both ages 0")
	}
	var p *Pruner
	p.Close() // a nil pruner closes
}

// failing fails every delete.
type failing struct{ err error }

func (f failing) PruneRequests(context.Context, time.Time, int) (int64, error) { return 0, f.err }
func (f failing) PruneRollups(context.Context, time.Time, int) (int64, error)  { return 0, f.err }
func (f failing) PruneDaily(context.Context, time.Time, int) (int64, error)    { return 0, f.err }

// TestFailuresLoggedOncePerOutage runs in a synctest bubble: five rounds
// pass in five fake milliseconds.
func TestFailuresLoggedOncePerOutage(t *testing.T) {
	cases := []struct {
		name string
		err  error
		logs int
	}{
		{"database error", errors.New("disk full"), 1},
		{"store still connecting", store.ErrNotReady, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				logs := &testlog.Buffer{}
				p := Start(failing{c.err}, Options{Raw: Day, First: time.Millisecond, Every: time.Millisecond,
					Logger: slog.New(slog.NewTextHandler(logs, nil))})
				time.Sleep(5*time.Millisecond + time.Millisecond/2)
				p.Close()
				if _, rounds, err := p.Stats(); rounds != 5 || !errors.Is(err, c.err) {
					t.Errorf("%s: %d rounds, last error %v; want 5 failed rounds", c.name, rounds, err)
				}
				if n := strings.Count(logs.String(), "deleting old measurements failed"); n != c.logs {
					t.Errorf("%s: logged %d times over 5 failed rounds, want %d:\n%s", c.name, n, c.logs, logs.String())
				}
			})
		})
	}
}
