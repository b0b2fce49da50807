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
	// none is left, the outliers that started before cutoff.
	PruneRequests(ctx context.Context, cutoff time.Time, limit int) (int64, error)
	// PruneRollups deletes at most limit hourly rollups, and at most limit
	// of their histogram rows, of hours that ended by cutoff (the hour
	// cutoff falls in is kept whole), and returns how many rows it
	// deleted; once none is left, the profiles that ended before cutoff.
	PruneRollups(ctx context.Context, cutoff time.Time, limit int) (int64, error)
}
