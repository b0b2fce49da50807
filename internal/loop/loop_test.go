package loop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/testlog"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

func TestRunsOnItsTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var at []time.Duration
		start := time.Now()
		l := Start(Options{First: time.Minute, Every: time.Hour, Outage: Outage{Logger: slog.New(slog.DiscardHandler)}},
			func(context.Context) error {
				mu.Lock()
				at = append(at, time.Since(start))
				mu.Unlock()
				time.Sleep(time.Second) // a run's own time does not shorten the wait
				return nil
			})
		time.Sleep(3*time.Hour + 5*time.Minute)
		l.Stop()
		mu.Lock()
		defer mu.Unlock()
		want := []time.Duration{time.Minute, time.Hour + time.Minute + time.Second, 2*time.Hour + time.Minute + 2*time.Second,
			3*time.Hour + time.Minute + 3*time.Second}
		if fmt.Sprint(at) != fmt.Sprint(want) {
			t.Errorf("ran at %v, want %v", at, want)
		}
	})
}

func TestFirstDefaultsToEvery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		runs := make(chan time.Time, 10)
		start := time.Now()
		l := Start(Options{Every: 5 * time.Second, Outage: Outage{Logger: slog.New(slog.DiscardHandler)}},
			func(context.Context) error { runs <- time.Now(); return nil })
		defer l.Stop()
		if first := <-runs; first.Sub(start) != 5*time.Second {
			t.Errorf("first run after %v, want 5s", first.Sub(start))
		}
	})
}

// TestLogsOncePerOutage: a failure is logged when it starts, not on every
// run; the recovery once; a store still connecting not at all.
func TestLogsOncePerOutage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &testlog.Buffer{}
		results := []error{
			fmt.Errorf("dial: %w", store.ErrNotReady), fmt.Errorf("dial: %w", store.ErrNotReady),
			errors.New("disk full"), errors.New("disk full"), errors.New("disk full"),
			nil, nil,
			errors.New("locked"), nil,
		}
		var mu sync.Mutex
		i := 0
		l := Start(Options{Every: time.Second, Outage: Outage{Logger: slog.New(slog.NewTextHandler(logs, nil)), Level: slog.LevelWarn,
			Failed: "dashboard: the task failed; retrying", Recovered: "dashboard: the task works again", Attrs: []any{"every", "1s"}}},
			func(context.Context) error {
				mu.Lock()
				defer mu.Unlock()
				if i >= len(results) {
					return nil
				}
				i++
				return results[i-1]
			})
		time.Sleep(time.Duration(len(results))*time.Second + time.Second/2)
		l.Stop()
		out := logs.String()
		if strings.Count(out, "the task failed") != 2 || strings.Count(out, "works again") != 2 {
			t.Errorf("want two outages logged, each once, and their ends:\n%s", out)
		}
		if !strings.Contains(out, `err="disk full"`) || !strings.Contains(out, "failed_attempts=3") || !strings.Contains(out, "every=1s") ||
			!strings.Contains(out, "level=WARN") || strings.Contains(out, "dial") {
			t.Errorf("log lines lack the cause, the count or the attributes, or show the store connecting:\n%s", out)
		}
	})
}

// TestStopCancelsARunAndWaits: Stop ends a run that waits on its context,
// waits for the goroutine, and the run's error is not logged.
func TestStopCancelsARunAndWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &testlog.Buffer{}
		running, ended := make(chan struct{}), false
		l := Start(Options{Every: time.Second, Outage: Outage{Logger: slog.New(slog.NewTextHandler(logs, nil)), Failed: "failed"}},
			func(ctx context.Context) error {
				close(running)
				<-ctx.Done()
				ended = true
				return ctx.Err()
			})
		<-running
		l.Stop()
		if !ended {
			t.Error("Stop returned before the run ended")
		}
		if logs.String() != "" {
			t.Errorf("stopping logged:\n%s", logs.String())
		}
		var nilLoop *Loop
		nilLoop.Stop()
	})
}

func TestOutageCountsFailures(t *testing.T) {
	o := Outage{Logger: slog.New(slog.DiscardHandler), Failed: "failed"}
	if o.Fail(store.ErrNotReady) || o.Failures() != 0 {
		t.Error("ErrNotReady counted as a failure")
	}
	if !o.Fail(errors.New("x")) || !o.Fail(errors.New("y")) || o.Failures() != 2 {
		t.Errorf("failures %d, want 2", o.Failures())
	}
	o.OK()
	if o.Failures() != 0 {
		t.Error("OK did not end the outage")
	}
}
