package mysql_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/mysql"
)

// TestRetentionDeletesInBoundedBatches: on MySQL and MariaDB, raw rows are
// pruned without partitions, in statements of at most the limit (each its
// own short transaction at READ COMMITTED), and a prune that has not
// committed yet holds no lock that a writer of new rows waits for: its
// locks are the old rows it deletes, not the gaps after them.
func TestRetentionDeletesInBoundedBatches(t *testing.T) {
	ctx := context.Background()
	dsn := newDatabase(t)
	s, err := mysql.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var reqs []store.Request
	for i := 0; i < 2500; i++ {
		reqs = append(reqs, store.Request{Service: "svc", Instance: "i1", Endpoint: "GET /a", Method: "GET", Status: 200,
			Start: start.Add(time.Duration(i) * time.Second), Duration: time.Millisecond, Version: "v1"})
	}
	if err := s.Write(ctx, &store.Batch{Service: "svc", Instance: "i1", Requests: reqs}); err != nil {
		t.Fatal(err)
	}

	// A prune in flight, as PruneRequests sends it, not committed yet.
	db, err := mysql.OpenDB(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM gmd_requests WHERE start_us < ? ORDER BY start_us LIMIT 1000", start.Add(time.Hour).UnixMicro()); err != nil {
		t.Fatal(err)
	}
	// New rows of the same endpoint, version and instance go in while it
	// holds its locks. A writer that waited would hit the deadline.
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	fresh := []store.Request{reqs[0], reqs[1]}
	fresh[0].Start, fresh[1].Start = start.Add(48*time.Hour), start.Add(48*time.Hour+time.Second)
	if err := s.Write(wctx, &store.Batch{Service: "svc", Instance: "i1", Requests: fresh}); err != nil {
		t.Fatalf("a write while a prune held its locks: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}

	var batches []int64
	for {
		n, err := s.PruneRequests(ctx, start.Add(2400*time.Second), 1000)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		batches = append(batches, n)
	}
	if !slices.Equal(batches, []int64{1000, 1000, 400}) {
		t.Errorf("pruned in batches %v, want 1000, 1000, 400", batches)
	}
	var left int
	if err := s.DB().QueryRow("SELECT COUNT(*) FROM gmd_requests").Scan(&left); err != nil || left != 102 {
		t.Errorf("%d rows left (%v), want the newest 100 and the 2 new ones", left, err)
	}
}
