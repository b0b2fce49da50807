// Package loop runs the dashboard's background work the one way it is
// done everywhere: a function called on a timer in a goroutine of its own
// until Stop, whose failures are logged once per outage, and not at all
// while the store says it is still connecting (store.ErrNotReady: the
// store logs that itself).
//
// The recorder's writer has a loop of its own (it also wakes when the
// request path nudges it, and backs off after failures), and shares the
// logging rule through Outage.
package loop

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Outage logs a failing task once when it starts failing and, when
// Recovered is set, once when it works again. The zero value is not
// usable: set Logger and Failed. It is not safe for concurrent use; the
// task's goroutine owns it.
type Outage struct {
	Logger    *slog.Logger
	Level     slog.Level // of the Failed line; the zero value is Info, so set it
	Failed    string     // logged with the error when an outage starts
	Recovered string     // logged when it ends; empty: nothing
	Attrs     []any      // added to the Failed line

	failures int // consecutive failures
}

// Fail reports a failed attempt. It logs when the attempt starts an
// outage, and returns false, without logging or counting, for
// store.ErrNotReady.
func (o *Outage) Fail(err error) bool {
	if errors.Is(err, store.ErrNotReady) {
		return false
	}
	if o.failures == 0 {
		o.Logger.Log(context.Background(), o.Level, o.Failed, append([]any{"err", err}, o.Attrs...)...)
	}
	o.failures++
	return true
}

// OK reports a successful attempt, ending an outage. attrs go with the
// Recovered line.
func (o *Outage) OK(attrs ...any) {
	if o.failures > 0 && o.Recovered != "" {
		o.Logger.Info(o.Recovered, append([]any{"failed_attempts", o.failures}, attrs...)...)
	}
	o.failures = 0
}

// Failures returns the failed attempts since the last success.
func (o *Outage) Failures() int { return o.failures }

// Options configure a Loop.
type Options struct {
	First time.Duration // wait before the first run; 0: Every
	Every time.Duration // wait between the end of a run and the next
	// Outage logs the runs' failures; its Logger must be set.
	Outage Outage
}

// Loop calls a function on a timer until Stop.
type Loop struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Start calls run every o.Every (first after o.First) in a new goroutine,
// with a context that Stop cancels. A run's error goes to o.Outage, unless
// the loop is stopping.
func Start(o Options, run func(ctx context.Context) error) *Loop {
	ctx, cancel := context.WithCancel(context.Background())
	l := &Loop{cancel: cancel, done: make(chan struct{})}
	wait := o.First
	if wait <= 0 {
		wait = o.Every
	}
	out := o.Outage
	go func() {
		defer close(l.done)
		t := time.NewTimer(wait)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			err := run(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				out.Fail(err)
			} else {
				out.OK()
			}
			t.Reset(o.Every)
		}
	}()
	return l
}

// Stop cancels the running call, if any, and waits for the goroutine.
// A nil Loop is stopped already.
func (l *Loop) Stop() {
	if l == nil {
		return
	}
	l.cancel()
	<-l.done
}
