package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// On a dialect with Partitioned set (PostgreSQL), gmd_requests is
// partitioned by range of start_us, one partition per UTC day named
// gmd_requests_pYYYYMMDD, plus a default partition (migration 9). The
// writer creates the partitions of the days a batch writes, and of the
// day after the newest, before the batch's transaction, each in a short
// transaction of its own that gives up after partitionLockTimeout rather
// than wait behind long reads: a row whose day has no partition yet goes
// to the default partition, so that no write ever fails for want of one.
// Retention drops the partitions of days that ended before its cutoff.

// partitionLockTimeout bounds the wait for the lock that creating or
// dropping a partition takes on the parent table.
const partitionLockTimeout = "2s"

func partitionName(day int64) string {
	return "gmd_requests_p" + time.UnixMicro(day).UTC().Format("20060102")
}

// ensurePartitions creates the missing partitions of the batch's days and
// of the day after the newest. Failures are not errors: rows then go to
// the default partition, and the next batch tries again.
func (s *Store) ensurePartitions(ctx context.Context, starts []int64) {
	if !s.d.Partitioned || len(starts) == 0 {
		return
	}
	days := map[int64]bool{}
	newest := int64(0)
	for _, us := range starts {
		d := dayStart(us)
		days[d] = true
		newest = max(newest, d)
	}
	days[newest+dayUs] = true
	for d := range days {
		s.mu.Lock()
		known := s.parts[d]
		s.mu.Unlock()
		if known || d < 0 {
			continue
		}
		if s.createPartition(ctx, d) {
			s.mu.Lock()
			s.parts[d] = true
			s.mu.Unlock()
		}
	}
}

// createPartition creates day's partition and reports whether the day is
// settled: the partition exists, or it cannot be made because the default
// partition already holds rows of that day (they stay there).
func (s *Store) createPartition(ctx context.Context, day int64) bool {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL lock_timeout = '"+partitionLockTimeout+"'"); err != nil {
		return false
	}
	q := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s PARTITION OF gmd_requests FOR VALUES FROM (%d) TO (%d)",
		partitionName(day), day, day+dayUs)
	if _, err := tx.ExecContext(ctx, q); err != nil {
		msg := err.Error()
		// Made by another writer meanwhile, or rows of the day are in
		// the default partition already.
		return strings.Contains(msg, "already exists") || strings.Contains(msg, "would be violated")
	}
	return tx.Commit() == nil
}

// dropOldPartitions drops the oldest day partitions that ended by cutoff
// until one held rows, and returns those rows.
func (s *Store) dropOldPartitions(ctx context.Context, cutoff int64) (int64, error) {
	for {
		n, dropped, err := s.dropOldPartition(ctx, cutoff)
		if err != nil || !dropped || n > 0 {
			return n, err
		}
	}
}

// dropOldPartition drops the oldest day partition if it ended by cutoff,
// and returns the rows it held.
func (s *Store) dropOldPartition(ctx context.Context, cutoff int64) (n int64, dropped bool, err error) {
	var name string
	err = s.w.QueryRowContext(ctx, `SELECT c.relname FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_class p ON p.oid = i.inhparent
JOIN pg_namespace n ON n.oid = p.relnamespace
WHERE p.relname = 'gmd_requests' AND n.nspname = current_schema() AND c.relname LIKE 'gmd\_requests\_p%'
ORDER BY c.relname LIMIT 1`).Scan(&name)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("listing partitions: %w", err)
	}
	day, err := time.Parse("20060102", strings.TrimPrefix(name, "gmd_requests_p"))
	if err != nil || day.UnixMicro()+dayUs > cutoff {
		return 0, false, nil // the oldest is not past the cutoff: neither are the others
	}
	// Counted first, outside the lock: nothing writes to a day that
	// ended before the retention cutoff.
	if err := s.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+name).Scan(&n); err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return 0, true, nil // another pruner dropped it
		}
		return 0, false, err
	}
	gone := false
	err = s.retry(ctx, func() error {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "SET LOCAL lock_timeout = '"+partitionLockTimeout+"'"); err != nil {
			return err
		}
		// The parent, then the partition, as readers take them, so
		// that a reader and a pruner never wait for each other in a
		// cycle; the wait is bounded by the lock timeout.
		if _, err := tx.ExecContext(ctx, "LOCK TABLE gmd_requests, "+name+" IN ACCESS EXCLUSIVE MODE"); err != nil {
			if strings.Contains(err.Error(), "does not exist") {
				gone = true // another pruner dropped it
				return nil
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, "DROP TABLE "+name); err != nil {
			return fmt.Errorf("dropping partition %s: %w", name, err)
		}
		return tx.Commit()
	})
	if gone {
		n = 0
	}
	if err != nil {
		return 0, false, err
	}
	s.mu.Lock()
	delete(s.parts, day.UnixMicro())
	s.mu.Unlock()
	return n, true, nil
}
