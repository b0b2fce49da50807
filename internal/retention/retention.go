// Package retention keeps the stored measurements in shape in the
// background: it folds closed days of hourly rollups into daily rollups
// and all-time totals (store.Deriver), then deletes what is past its age,
// so that the database does not grow without bound: raw request rows
// after some days, hourly rollups after more, daily rollups after more
// still. The totals are kept.
//
// Folding comes first in every round, and hourly rollups are never
// deleted before they are folded.
//
// One goroutine per dashboard does it, in rounds: every hour it deletes
// what is past its age in batches of a thousand rows, one short
// transaction each (the deletes follow the time indexes), pausing between
// batches so that the recorder's writes are never held up for long.
// Several instances sharing a database each prune; they only find less to
// delete.
package retention

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/loop"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Day is the unit of the retention settings.
const Day = 24 * time.Hour

// Options configure a Pruner. Zero durations take the defaults noted.
type Options struct {
	Raw     time.Duration // age at which raw rows go; 0 keeps them
	Rollups time.Duration // age at which hourly rollups go; 0 keeps them
	Daily   time.Duration // age at which daily rollups go; 0 keeps them
	Now     func() time.Time
	Batch   int           // rows per delete; default 1000
	Pause   time.Duration // between two deletes; default 100ms
	Every   time.Duration // between rounds; default 1h
	// First is the wait before the first round; default 1m, so that a
	// service's start is not slowed down.
	First  time.Duration
	Logger *slog.Logger
}

// Pruner runs rounds in its own goroutine until Close.
type Pruner struct {
	s    store.Retention
	o    Options
	loop *loop.Loop

	mu      sync.Mutex
	deleted int64
	rounds  int64
	lastErr error
}

// Start starts pruning s, and folding days when s is a store.Deriver. It
// returns nil when there is nothing to do (every age 0 and no folding);
// Close accepts a nil Pruner.
func Start(s store.Retention, o Options) *Pruner {
	if _, ok := s.(store.Deriver); !ok && o.Raw <= 0 && o.Rollups <= 0 && o.Daily <= 0 {
		return nil
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Batch <= 0 {
		o.Batch = 1000
	}
	if o.Pause <= 0 {
		o.Pause = 100 * time.Millisecond
	}
	if o.Every <= 0 {
		o.Every = time.Hour
	}
	if o.First <= 0 {
		o.First = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	p := &Pruner{s: s, o: o}
	p.loop = loop.Start(loop.Options{First: o.First, Every: o.Every, Outage: loop.Outage{
		Logger: o.Logger, Level: slog.LevelWarn,
		Failed: "dashboard: deleting old measurements failed; trying again in the next round", Attrs: []any{"every", o.Every},
	}}, p.round)
	return p
}

// Close stops the pruner, in the middle of a round if need be, and waits
// for its goroutine.
func (p *Pruner) Close() {
	if p == nil {
		return
	}
	p.loop.Stop()
}

// Stats returns the rows deleted and the rounds finished since Start, and
// the error of the last round.
func (p *Pruner) Stats() (deleted, rounds int64, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.deleted, p.rounds, p.lastErr
}

// round is one run of the loop: a Round, counted.
func (p *Pruner) round(ctx context.Context) error {
	err := p.Round(ctx)
	if ctx.Err() != nil {
		return err // stopping: not a round
	}
	p.mu.Lock()
	p.rounds++
	p.lastErr = err
	p.mu.Unlock()
	return err
}

// Round folds the days that are ready and those that got late rows,
// then deletes everything past its age, batch by batch.
func (p *Pruner) Round(ctx context.Context) error {
	now := p.o.Now()
	if d, ok := p.s.(store.Deriver); ok {
		if _, err := d.RederiveTouched(ctx); err != nil {
			return err
		}
		if err := p.repeat(ctx, nil, func(ctx context.Context) (int64, error) {
			ok, err := d.DeriveDay(ctx, now)
			if ok {
				return 1, err
			}
			return 0, err
		}); err != nil {
			return err
		}
	}
	if p.o.Raw > 0 {
		if err := p.drain(ctx, func(ctx context.Context) (int64, error) {
			return p.s.PruneRequests(ctx, now.Add(-p.o.Raw), p.o.Batch)
		}); err != nil {
			return err
		}
	}
	if p.o.Rollups > 0 {
		if err := p.drain(ctx, func(ctx context.Context) (int64, error) {
			return p.s.PruneRollups(ctx, now.Add(-p.o.Rollups), p.o.Batch)
		}); err != nil {
			return err
		}
	}
	if p.o.Daily > 0 {
		return p.drain(ctx, func(ctx context.Context) (int64, error) {
			return p.s.PruneDaily(ctx, now.Add(-p.o.Daily), p.o.Batch)
		})
	}
	return nil
}

// drain calls prune until it finds nothing more, pausing in between.
func (p *Pruner) drain(ctx context.Context, prune func(context.Context) (int64, error)) error {
	return p.repeat(ctx, &p.deleted, prune)
}

// repeat calls step until it does nothing more, pausing in between, and
// adds what it did to count (nil: not counted).
func (p *Pruner) repeat(ctx context.Context, count *int64, step func(context.Context) (int64, error)) error {
	for {
		n, err := step(ctx)
		if count != nil {
			p.mu.Lock()
			*count += n
			p.mu.Unlock()
		}
		if err != nil || n == 0 {
			return err
		}
		t := time.NewTimer(p.o.Pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
