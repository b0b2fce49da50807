package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// PruneRequests deletes at most limit raw rows that started before cutoff,
// oldest first, in one short statement that the start-time index serves.
// Once no such request is left, it deletes the outliers (captured
// requests) older than cutoff the same way.
func (s *Store) PruneRequests(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	n, err := s.prune(ctx, "gmd_requests", "start_us", "id", cutoff.UnixMicro(), limit)
	if err != nil || n > 0 {
		return n, err
	}
	return s.prune(ctx, "gmd_outliers", "start_us", "id", cutoff.UnixMicro(), limit)
}

// PruneRollups deletes at most limit rollups and at most limit histogram
// rows of hours that ended by cutoff. Rollups go first: a histogram
// row without its rollup is never read, while the reverse would show a
// rollup with an empty histogram.
func (s *Store) PruneRollups(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	us := store.HourOf(cutoff).UnixMicro() // the hour cutoff falls in stays whole
	n, err := s.prune(ctx, "gmd_rollups", "hour_us", "endpoint_id, hour_us, version_id, instance_id", us, limit)
	if err != nil {
		return n, err
	}
	m, err := s.prune(ctx, "gmd_rollup_buckets", "hour_us", "endpoint_id, hour_us, version_id, instance_id, bucket", us, limit)
	if err != nil || n+m > 0 {
		return n + m, err
	}
	// Profiles are aggregates like rollups and live as long.
	return s.prune(ctx, "gmd_profiles", "end_us", "id", cutoff.UnixMicro(), limit)
}

// prune deletes at most limit rows of table whose column is below before,
// in a transaction of its own at the writers' isolation level (MySQL's
// READ COMMITTED locks no gaps, so new rows are never held up).
func (s *Store) prune(ctx context.Context, table, col, key string, before int64, limit int) (int64, error) {
	if limit <= 0 {
		return 0, fmt.Errorf("prune limit %d: want more than 0", limit)
	}
	var q string
	if s.d.DeleteLimit {
		q = fmt.Sprintf("DELETE FROM %s WHERE %s < ? ORDER BY %s LIMIT %d", table, col, col, limit)
	} else {
		// Row values, so that tables keyed by several columns (and
		// SQLite's WITHOUT ROWID tables) are deleted by their key.
		q = fmt.Sprintf("DELETE FROM %s WHERE (%s) IN (SELECT %s FROM %s WHERE %s < ? ORDER BY %s LIMIT %d)",
			table, key, key, table, col, col, limit)
	}
	var n int64
	err := s.retry(ctx, func() error {
		tx, err := s.begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		res, err := tx.ExecContext(ctx, s.d.rebind(q), before)
		if err != nil {
			return fmt.Errorf("pruning %s: %w", table, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return tx.Commit()
	})
	return n, err
}
