package store

import (
	"context"
	"time"
)

// Retention deletes old data in small steps, so that the database does not
// grow without bound and writers are never held up for long: each call is
// one short statement, and the caller pauses between calls.
type Retention interface {
	// PruneRequests deletes at most limit raw request rows that started
	// before cutoff, oldest first, and returns how many it deleted; once
	// none is left, the outliers that started before cutoff. A store
	// that partitions raw rows by day (PostgreSQL) first drops the
	// partitions of days that ended by cutoff, one whole day per call.
	PruneRequests(ctx context.Context, cutoff time.Time, limit int) (int64, error)
	// PruneRollups deletes at most limit hourly rollups, and at most limit
	// of their histogram rows, of hours that ended by cutoff (the hour
	// cutoff falls in is kept whole), and returns how many rows it
	// deleted; once none is left, the profiles that ended before cutoff.
	PruneRollups(ctx context.Context, cutoff time.Time, limit int) (int64, error)
	// PruneDaily deletes at most limit daily rollups of days that ended
	// by cutoff and returns how many it deleted; once none is left, the
	// per-user and per-IP rollups of those days. The all-time totals are
	// never pruned.
	PruneDaily(ctx context.Context, cutoff time.Time, limit int) (int64, error)
}

// Deriver folds closed hourly rollups into daily rollups (UTC days) and
// running all-time totals per endpoint and version, which the read
// methods use for long windows. A background job calls it; every step is
// one short transaction, idempotent, and several instances may call it at
// once (one waits for the other and finds the work done).
//
// A day is folded once it has been closed for DeriveGrace. Hourly rollups
// written into an already folded day later (a slow writer, an instance
// running an older release that writes hourly rollups only) are picked up
// by RederiveTouched as long as the day is one of the RecheckDays before
// the newest folded one; hours of those days are kept by PruneRollups
// whatever the retention says. Later writes still count in the hourly
// rollups, not in the daily ones and the totals.
type Deriver interface {
	// DeriveDay folds the next closed UTC day that holds hourly rollups
	// into the daily rollups and the totals. It reports false when no
	// day is ready at now.
	DeriveDay(ctx context.Context, now time.Time) (bool, error)
	// RederiveTouched folds again each of the RecheckDays days before the
	// newest folded one whose hourly rollups gained requests since, and
	// returns how many it folded.
	RederiveTouched(ctx context.Context) (int, error)
}

// DeriveGrace is how long a UTC day must have been over before it is
// folded into the daily rollups: writers' batches and retries land
// within it.
const DeriveGrace = time.Hour

// RecheckDays is how many folded days RederiveTouched checks for late
// hourly rollups.
const RecheckDays = 2
