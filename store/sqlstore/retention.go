package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// PruneRequests deletes at most limit raw rows that started before cutoff,
// oldest first, in one short statement that the start-time index serves.
// Once no such request is left, it deletes the outliers (captured
// requests) older than cutoff the same way.
func (s *Store) PruneRequests(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	if s.d.Partitioned {
		// Whole days first: dropping a partition costs no row deletes.
		if n, err := s.dropOldPartitions(ctx, cutoff.UnixMicro()); err != nil || n > 0 {
			return n, err
		}
	}
	n, err := s.prune(ctx, "gmd_requests", "start_us", "id", cutoff.UnixMicro(), limit)
	if err != nil || n > 0 {
		return n, err
	}
	return s.prune(ctx, "gmd_outliers", "start_us", "id", cutoff.UnixMicro(), limit)
}

// PruneRollups deletes at most limit rollups and at most limit histogram
// rows of hours that ended by cutoff. Rollups go first: a histogram
// row without its rollup is never read, while the reverse would show a
// rollup with an empty histogram. Hours not yet folded into the daily
// rollups are kept whatever cutoff says (see guard).
func (s *Store) PruneRollups(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	us := store.HourOf(cutoff).UnixMicro() // the hour cutoff falls in stays whole
	n, err := s.pruneGuarded(ctx, "gmd_rollups", "hour_us", "endpoint_id, hour_us, version_id, instance_id", us, limit)
	if err != nil {
		return n, err
	}
	m, err := s.pruneGuarded(ctx, "gmd_rollup_buckets", "hour_us", "endpoint_id, hour_us, version_id, instance_id, bucket", us, limit)
	if err != nil || n+m > 0 {
		return n + m, err
	}
	// Profiles are aggregates like rollups and live as long.
	return s.prune(ctx, "gmd_profiles", "end_us", "id", cutoff.UnixMicro(), limit)
}

// PruneDaily deletes at most limit daily rollups of days that ended by
// cutoff; once none is left, the per-user and per-IP rollups of those
// days, limit rows at a time.
func (s *Store) PruneDaily(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	n, err := s.pruneGuarded(ctx, "gmd_daily", "day_us", "endpoint_id, day_us, version_id, instance_id", floorDay(cutoff.UnixMicro()), limit)
	if err != nil || n > 0 {
		return n, err
	}
	day := floorDay(cutoff.UnixMicro())
	for _, t := range []struct{ table, key string }{
		{"gmd_group_rollups", "endpoint_id, kind, day_us, name, version_id"},
		{"gmd_group_buckets", "endpoint_id, kind, day_us, name, bucket"},
		{"gmd_group_sketch", "endpoint_id, kind, day_us, instance_id, name"},
	} {
		if n, err := s.prune(ctx, t.table, "day_us", t.key, day, limit); err != nil || n > 0 {
			return n, err
		}
	}
	return 0, nil
}

// pruneGuarded prunes hourly or daily rollups before the watermark of
// the derived rollups at most, holding the watermark row like a
// deriver, and first records how far it prunes ('pruned'), so that
// RederiveTouched never folds a day again from hours, or against daily
// rollups, that are partly gone.
func (s *Store) pruneGuarded(ctx context.Context, table, col, key string, before int64, limit int) (int64, error) {
	return s.pruneTx(ctx, table, col, key, limit, func(tx *sql.Tx) (int64, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE gmd_derived SET changes = changes + 1 WHERE name = 'daily'`); err != nil {
			return 0, err
		}
		w, err := s.watermark(ctx, tx)
		if err != nil {
			return 0, err
		}
		before = min(before, w)
		if before <= 0 {
			return 0, nil
		}
		_, err = tx.ExecContext(ctx, s.d.rebind(`UPDATE gmd_derived SET value = `+s.d.Greatest+`(value, ?), changes = changes + 1 WHERE name = 'pruned'`), before)
		return before, err
	})
}

// prune deletes at most limit rows of table whose column is below before,
// in a transaction of its own at the writers' isolation level (MySQL's
// READ COMMITTED locks no gaps, so new rows are never held up).
func (s *Store) prune(ctx context.Context, table, col, key string, before int64, limit int) (int64, error) {
	return s.pruneTx(ctx, table, col, key, limit, func(*sql.Tx) (int64, error) { return before, nil })
}

// pruneTx is prune with the bound given by bound inside the transaction
// (0: nothing to delete).
func (s *Store) pruneTx(ctx context.Context, table, col, key string, limit int, bound func(*sql.Tx) (int64, error)) (int64, error) {
	if limit <= 0 {
		return 0, fmt.Errorf("prune limit %d: want more than 0", limit)
	}
	var q string
	if s.d.DeleteLimit {
		q = fmt.Sprintf("DELETE FROM %s WHERE %s < ? ORDER BY %s LIMIT %d", table, col, col, limit)
	} else {
		// Row values, so that tables keyed by several columns (and
		// SQLite's WITHOUT ROWID tables) are deleted by their key.
		// The bound outside too: on a partitioned table it keeps the
		// delete to the partitions before it.
		q = fmt.Sprintf("DELETE FROM %s WHERE %s < ? AND (%s) IN (SELECT %s FROM %s WHERE %s < ? ORDER BY %s LIMIT %d)",
			table, col, key, key, table, col, col, limit)
	}
	args := func(before int64) []any {
		if s.d.DeleteLimit {
			return []any{before}
		}
		return []any{before, before}
	}
	var n int64
	err := s.retry(ctx, func() error {
		tx, err := s.begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		before, err := bound(tx)
		if err != nil || before <= 0 {
			n = 0
			return err
		}
		res, err := tx.ExecContext(ctx, s.d.rebind(q), args(before)...)
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
